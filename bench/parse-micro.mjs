// Parser micro-benchmark on the generated 1,000,000-line syslog (about 2% denials): the cost of
// looksLikeDenial alone and of parseLine on every line, against `grep -cE 'apparmor=|type=1326'`
// on the same file. Reported as ratios to grep (goal for the whole scanlog: within 3x).
// Needs `npm run build` first (or BENCH_DIST=<tsc outDir>). Writes bench/out/parse-micro.json.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyslog } from './gen-syslog.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.BENCH_DIST ?? join(root, 'dist');
const parser = join(dist, 'src/parse/index.js');
if (!existsSync(parser)) throw new Error(`cannot find ${parser}: run npm run build first`);
const { parseLine, looksLikeDenial } = await import(parser);
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const big = join(out, 'syslog-1m.log');
if (!existsSync(big)) await generateSyslog(big);
const runs = Number(process.env.BENCH_RUNS ?? 3);

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeGrep() {
  const samples = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync('grep', ['-cE', 'apparmor=|type=1326', big], { encoding: 'utf8' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    count = Number(result.stdout.trim());
  }
  return { ms: median(samples), count };
}

/** Reads the file in 4 MiB chunks, as a streaming source would, and calls fn on every line. */
function eachLine(fn) {
  const fd = openSync(big, 'r');
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

function timeInProcess(fn) {
  const samples = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    count = eachLine(fn);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: median(samples), count };
}

const grep = timeGrep();
const readOnly = timeInProcess(() => false);
const prefilter = timeInProcess(looksLikeDenial);
const parse = timeInProcess((line) => parseLine(line, 'file').kind === 'denial');
const rows = [
  ['grep -cE (peer)', grep],
  ['read + split only', readOnly],
  ['read + split + looksLikeDenial', prefilter],
  ['read + split + parseLine', parse],
].map(([label, r]) => ({
  label,
  ms: Math.round(r.ms),
  count: r.count,
  ratioToGrep: +(r.ms / grep.ms).toFixed(2),
}));
console.table(rows);
if (parse.count !== grep.count)
  console.warn(`denial count differs: parseLine ${parse.count}, grep ${grep.count}`);
writeFileSync(join(out, 'parse-micro.json'), JSON.stringify({ runs, rows }, null, 2) + '\n');
