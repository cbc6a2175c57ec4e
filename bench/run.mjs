#!/usr/bin/env node
// Runs every benchmark in bench/ one after another, then renders BENCHMARKS.md (bench/report.mjs).
// A benchmark is a bench/*.mjs other than this runner, the report (report*.mjs) and generators (gen-*.mjs).
// Each run's status, duration and the load average around it go to bench/out/run.json, which the
// report shows next to the figures (other work on the machine skews timings).
// Usage: node bench/run.mjs [--only NAME]... [--skip NAME]...   (npm run bench -- --skip load)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderReport } from './report.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
/** Node flags a benchmark needs (tui.mjs forces collections before reading memory). */
const NODE_FLAGS = { tui: ['--expose-gc'] };
/** The slowest last, so that a quick look at the others does not wait for it. */
const LAST = ['tui', 'load', 'load-kmsg'];

function benchmarkNames(files) {
  const names = files
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.slice(0, -'.mjs'.length))
    .filter((name) => name !== 'run' && !name.startsWith('report') && !name.startsWith('gen-'));
  const rank = (name) => (LAST.includes(name) ? 1 + LAST.indexOf(name) : 0);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true, default: [] },
    skip: { type: 'string', multiple: true, default: [] },
  },
});
const all = benchmarkNames(readdirSync(BENCH));
for (const name of [...values.only, ...values.skip]) {
  if (!all.includes(name)) {
    console.error(`bench/run: no benchmark called '${name}' (choose from ${all.join(', ')})`);
    process.exit(2);
  }
}
const chosen = all.filter(
  (name) => (values.only.length === 0 || values.only.includes(name)) && !values.skip.includes(name),
);

const runs = [];
for (const name of chosen) {
  console.log(`\n== bench/${name}.mjs`);
  const before = loadavg();
  const started = Date.now();
  const result = spawnSync(process.execPath, [...(NODE_FLAGS[name] ?? []), join(BENCH, `${name}.mjs`)], {
    stdio: 'inherit',
  });
  const seconds = (Date.now() - started) / 1000;
  const status = result.status ?? `signal ${result.signal}`;
  runs.push({
    name,
    status,
    seconds,
    loadBefore: before,
    loadAfter: loadavg(),
    finishedAt: new Date().toISOString(),
  });
  if (status !== 0) console.error(`bench/run: ${name} failed (${status})`);
}

mkdirSync(join(BENCH, 'out'), { recursive: true });
const runFile = join(BENCH, 'out/run.json');
// A partial run (--only, --skip) keeps what the file says about the benchmarks it did not run.
const earlier = existsSync(runFile) ? JSON.parse(readFileSync(runFile, 'utf8')).runs : [];
const ran = new Set(runs.map((r) => r.name));
const allPassed = runs.every((r) => r.status === 0);
runs.unshift(...earlier.filter((r) => !ran.has(r.name)));
writeFileSync(
  runFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, kernel: release(), node: process.version },
      runs,
    },
    null,
    2,
  )}\n`,
);
const path = renderReport();
console.log(`\nwrote ${path}`);
process.exit(allPassed ? 0 : 1);
