// Parser micro-benchmark on the generated 1,000,000-line syslogs (about 2% denials; the realistic
// file and the worst case whose denials all differ beyond their pid): the cost of looksLikeDenial
// alone and of parseLine on every line, against `grep -cE 'apparmor=|type=1326'` on the same file,
// and the parse cost per denial line (parseLine's CPU time less the prefilter's, per denial).
// BENCH_BASE=<another checkout, built> times that checkout's parser too, in the same rounds.
// Needs `npm run build` first (or BENCH_DIST=<tsc outDir>). Writes bench/out/parse-micro.json.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSyslog } from './gen-syslog.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const runs = Number(process.env.BENCH_RUNS ?? 3);

async function loadParser(dist) {
  const path = join(dist, 'src/parse/index.js');
  if (!existsSync(path)) throw new Error(`cannot find ${path}: run npm run build first`);
  return import(path);
}
const parsers = [['this checkout', await loadParser(process.env.BENCH_DIST ?? join(root, 'dist'))]];
if (process.env.BENCH_BASE)
  parsers.push(['BENCH_BASE', await loadParser(join(process.env.BENCH_BASE, 'dist'))]);

const files = [
  ['realistic', join(out, 'syslog-1m.log'), {}],
  ['all distinct', join(out, 'syslog-1m-distinct.log'), { distinct: true }],
];
for (const [, path, options] of files) await ensureSyslog(path, options);

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor((samples.length - 1) / 2)];

/** Reads the file in 4 MiB chunks, as a streaming source would, and calls fn on every line. */
function eachLine(path, fn) {
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(4 << 20);
  let carry = '';
  let count = 0;
  for (let read; (read = readSync(fd, chunk, 0, chunk.length, null)) > 0;) {
    const lines = (carry + chunk.toString('utf8', 0, read)).split('\n');
    carry = lines.pop();
    for (const line of lines) if (fn(line)) count++;
  }
  closeSync(fd);
  if (carry && fn(carry)) count++;
  return count;
}

/** One timed pass: wall and CPU (user+sys) milliseconds and how many lines fn accepted. */
function timeOnce(path, fn) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const count = eachLine(path, fn);
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000, count };
}

const rows = [];
for (const [fileLabel, path] of files) {
  const grepSamples = [];
  let grepCount = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync('grep', ['-cE', 'apparmor=|type=1326', path], { encoding: 'utf8' });
    grepSamples.push(Number(process.hrtime.bigint() - start) / 1e6);
    grepCount = Number(result.stdout.trim());
  }
  const grepMs = median(grepSamples);
  rows.push({
    file: fileLabel,
    label: 'grep -cE (peer)',
    ms: Math.round(grepMs),
    count: grepCount,
    ratioToGrep: 1,
  });

  const cases = [['read + split only', undefined, () => false]];
  for (const [parserLabel, parser] of parsers) {
    cases.push([`read + split + looksLikeDenial (${parserLabel})`, parserLabel, parser.looksLikeDenial]);
    cases.push([
      `read + split + parseLine (${parserLabel})`,
      parserLabel,
      (line) => parser.parseLine(line, 'file').kind === 'denial',
    ]);
  }
  const samples = cases.map(() => ({ wall: [], cpu: [], count: 0 }));
  for (let i = 0; i < runs; i++) {
    cases.forEach(([, , fn], c) => {
      const { wall, cpu, count } = timeOnce(path, fn);
      samples[c].wall.push(wall);
      samples[c].cpu.push(cpu);
      samples[c].count = count;
    });
  }
  const cpuOf = (label) => median(samples[cases.findIndex(([l]) => l === label)].cpu);
  cases.forEach(([label, parserLabel], c) => {
    const ms = median(samples[c].wall);
    const row = {
      file: fileLabel,
      label,
      ms: Math.round(ms),
      cpuMs: Math.round(median(samples[c].cpu)),
      count: samples[c].count,
      ratioToGrep: +(ms / grepMs).toFixed(2),
    };
    if (label.startsWith('read + split + parseLine')) {
      const parseCpu = row.cpuMs - cpuOf(`read + split + looksLikeDenial (${parserLabel})`);
      row.usPerDenial = +((parseCpu * 1000) / samples[c].count).toFixed(2);
      if (samples[c].count !== grepCount)
        console.warn(`${fileLabel}: parseLine found ${samples[c].count} denials, grep ${grepCount}`);
    }
    rows.push(row);
  });
}
// bench/report-describers.mjs takes the first grep row as the peer: the realistic file's labels stay
// as they were, the worst case's say so.
for (const row of rows) if (row.file !== 'realistic') row.label = `${row.label} [${row.file}]`;
console.table(rows);
writeFileSync(join(out, 'parse-micro.json'), JSON.stringify({ runs, rows }, null, 2) + '\n');
