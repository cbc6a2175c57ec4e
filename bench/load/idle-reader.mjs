#!/usr/bin/env node
// CPU the journald source costs while nothing (or little) is logged: the native reader polls the
// journal every 10 ms; journalctl --follow sleeps until journald wakes it. Follows for --seconds
// with each reader in turn (interleaved, --runs times) and prints user+sys CPU of this process
// (and of journalctl, for that reader) per second of following. Needs `npm run build`.
// Usage: node bench/load/idle-reader.mjs [--seconds N] [--runs N]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' } },
});
const SECONDS = Number(values.seconds);
const RUNS = Number(values.runs);

const ticks = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, ms at 100 Hz
};

async function follow(reader) {
  const { journaldSource } = await import(join(ROOT, 'dist/src/sources/journald-source.js'));
  const source = journaldSource(reader === 'journalctl' ? { journalctl: 'journalctl' } : {});
  const abort = new globalThis.AbortController();
  let lines = 0;
  let ready;
  const isReady = new Promise((resolve) => (ready = resolve));
  const done = (async () => {
    for await (const batch of source.lineBatches({ signal: abort.signal, onReady: ready }))
      lines += batch.length;
  })();
  await isReady;
  await new Promise((r) => setTimeout(r, 500));
  const child = () => {
    try {
      return Number(
        execFileSync('pgrep', ['-P', String(process.pid), '-x', 'journalctl'], { encoding: 'utf8' }),
      );
    } catch {
      return undefined;
    }
  };
  const journalctl = child();
  const before = process.cpuUsage();
  const childBefore = journalctl ? ticks(journalctl) : 0;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const used = process.cpuUsage(before);
  const childMs = journalctl ? ticks(journalctl) - childBefore : 0;
  abort.abort();
  await done;
  return { ownMs: (used.user + used.system) / 1000, childMs, lines };
}

const rows = { native: [], journalctl: [] };
for (let run = 0; run < RUNS; run++)
  for (const reader of ['native', 'journalctl']) rows[reader].push(await follow(reader));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [reader, runs] of Object.entries(rows)) {
  const perSecond = runs.map((r) => (r.ownMs + r.childMs) / SECONDS);
  console.log(
    `${reader.padEnd(10)} CPU while following: median ${median(perSecond).toFixed(2)} ms/s ` +
      `(${perSecond.map((x) => x.toFixed(2)).join(', ')}; lines read ${runs.map((r) => r.lines).join(', ')})`,
  );
}
