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
// First sights, cold: what a replay's main thread parses in JavaScript (the first line of each key
// the native scan keys lines by; every other line of a key is rendered without parseLine). Each
// sample is a fresh node process that loads the parser and parses those lines once, crediting the
// line cache with the key's repeats as the replay does; this checkout's and BENCH_BASE's processes
// alternate. Main-thread CPU (its /proc schedstat) and the whole process's, per line.
const COLD_CHILD = `
import { readFileSync } from 'node:fs';
const [dist, file, credit] = process.argv.slice(1);
const { parseLineWithBasis, creditRepeats } = await import(dist + '/src/parse/index.js');
const lines = readFileSync(file, 'utf8').split('\\n');
const mainNs = () => Number(readFileSync('/proc/self/task/' + process.pid + '/schedstat', 'utf8').split(' ')[0]);
const main = mainNs();
const cpu = process.cpuUsage();
let denials = 0;
for (const line of lines) {
  if (parseLineWithBasis(line, 'file').result.kind === 'denial') denials++;
  creditRepeats(Number(credit));
}
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ main: (mainNs() - main) / 1000, all: used.user + used.system, lines: lines.length, denials }));
`;
const coldRuns = Math.max(runs, 5);
const dists = [['this checkout', process.env.BENCH_DIST ?? join(root, 'dist')]];
if (process.env.BENCH_BASE) dists.push(['BENCH_BASE', join(process.env.BENCH_BASE, 'dist')]);
const { lineKeyOf } = await import(join(dists[0][1], 'src/parse/line-cache.js'));
const { looksLikeDenial } = parsers[0][1];
for (const [fileLabel, path] of files) {
  const firstLines = [];
  const keys = new Set();
  let candidates = 0;
  eachLine(path, (line) => {
    if (!looksLikeDenial(line)) return false;
    candidates++;
    const key = lineKeyOf(line, 'file')?.key;
    if (key === undefined || !keys.has(key)) firstLines.push(line);
    if (key !== undefined) keys.add(key);
    return false;
  });
  const sights = join(out, `first-sights-${fileLabel.replace(/ /g, '-')}.txt`);
  writeFileSync(sights, firstLines.join('\n'));
  const credit = Math.round((candidates - firstLines.length) / firstLines.length);
  const samples = dists.map(() => ({ main: [], all: [] }));
  for (let i = 0; i < coldRuns; i++) {
    dists.forEach(([, dist], d) => {
      const env = { ...process.env };
      delete env.NODE_EXTRA_CA_CERTS;
      const child = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', COLD_CHILD, dist, sights, String(credit)],
        {
          encoding: 'utf8',
          env,
        },
      );
      if (child.status !== 0) throw new Error(`cannot time first sights with ${dist}: ${child.stderr}`);
      const { main, all, lines } = JSON.parse(child.stdout);
      samples[d].main.push(main / lines);
      samples[d].all.push(all / lines);
    });
  }
  const grepMs = rows.find((row) => row.file === fileLabel && row.label.startsWith('grep')).ms;
  dists.forEach(([distLabel], d) => {
    const ms = (median(samples[d].main) * firstLines.length) / 1000;
    rows.push({
      file: fileLabel,
      label: `first sights, cold: parseLineWithBasis main-thread CPU (${distLabel})`,
      ms: Math.round(ms),
      count: firstLines.length,
      ratioToGrep: +(ms / grepMs).toFixed(2),
      usPerLine: +median(samples[d].main).toFixed(1),
      usPerLineAllThreads: +median(samples[d].all).toFixed(1),
    });
  });
}

// bench/report-describers.mjs takes the first grep row as the peer: the realistic file's labels stay
// as they were, the worst case's say so.
for (const row of rows) if (row.file !== 'realistic') row.label = `${row.label} [${row.file}]`;
console.table(rows);
writeFileSync(join(out, 'parse-micro.json'), JSON.stringify({ runs, rows }, null, 2) + '\n');
