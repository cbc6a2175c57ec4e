#!/usr/bin/env node
// The UI's whole cost under a flood, without journald or tmux: recorded journal entries (the load
// bench's seccomp records) fed at FRAMES_RATE a second (10,000) for FRAMES_SECONDS (8), 100 lines a
// batch, through the UI's line-batch feed as a live source does (FRAMES_FEED=denials: parsed first,
// one denial at a time), into the real App (built in dist/), rendered by Ink into an in-memory 120x30 terminal
// that says it is a TTY (Ink's full-screen path, as in tmux). CPU (user+sys) per 1,000 denials,
// frames written and CPU per frame; each build in its own node process, builds interleaved.
//   node bench/load/frames.mjs                         this checkout's dist/
//   BENCH_BASE=<build root> node bench/load/frames.mjs adds a baseline build
// Entries: FRAMES_FILE (JSON lines from journalctl --output=json), else the newest 20,000 kernel
// entries of the journal. Writes bench/out/load-frames.json.
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Keyboard } from '../ink-keyboard.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const FIELDS =
  'MESSAGE,_TRANSPORT,_AUDIT_TYPE,_AUDIT_ID,_SOURCE_REALTIME_TIMESTAMP,_PID,_HOSTNAME,SYSLOG_IDENTIFIER';

class Terminal extends EventEmitter {
  columns = 120;
  rows = 30;
  isTTY = true;
  frames = 0;
  bytes = 0;
  write = (text) => {
    // Ink wraps each frame in two short synchronized-update writes: those are not frames.
    if (text.length > 16) this.frames++;
    this.bytes += text.length;
    return true;
  };
}

async function child(build, file, rate, seconds) {
  process.env.NODE_ENV = 'production';
  const dist = pathToFileURL(join(build, 'dist/')).href;
  const { render } = await import('ink');
  const { createElement } = await import('react');
  const { App } = await import(new URL('components/App.js', dist).href);
  const { GroupStore } = await import(new URL('src/ui/group-store.js', dist).href);
  const { MAX_FPS } = await import(new URL('src/ui/run-tui.js', dist).href);
  const { denialOf } = await import(new URL('src/scan/pipeline.js', dist).href);
  const { Enricher } = await import(new URL('src/scan/enrich.js', dist).href);
  const { loadRules } = await import(new URL('src/suggest/index.js', dist).href);
  const { rulesDir, rulesCacheDir } = await import(new URL('src/paths.js', dist).href);
  const bytes = readFileSync(file);
  const stats = { lines: 0, denials: 0, shown: 0, unparsed: 0, gaps: 0, lost: 0 };
  const pipeline = {
    filter: {},
    enricher: new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() })),
    stats,
  };
  const total = rate * seconds;
  let fed = 0;
  let doneAt = 0;
  // A fresh string per line, as the source's splitter makes them, 100 at a time on the rate's clock.
  async function* flood() {
    const started = performance.now();
    let start = 0;
    while (fed < total) {
      if (fed % 100 === 0) {
        const wait = started + (fed / rate) * 1000 - performance.now();
        if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      }
      let nl = bytes.indexOf(10, start);
      if (nl < 0) {
        start = 0;
        nl = bytes.indexOf(10, 0);
      }
      const line = bytes.toString('utf8', start, nl);
      start = nl + 1;
      fed++;
      const denial = denialOf(line, 'journald', pipeline);
      if (denial) yield denial;
    }
    doneAt = performance.now();
  }
  // The live path of a batching source (journald, kmsg, syslog): lines a read at a time, each taken
  // to its denial in the UI's own loop; as above, 100 lines a batch on the rate's clock.
  async function* lineBatches() {
    const started = performance.now();
    let start = 0;
    while (fed < total) {
      const wait = started + (fed / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      const batch = [];
      for (let i = 0; i < 100 && fed < total; i++) {
        let nl = bytes.indexOf(10, start);
        if (nl < 0) {
          start = 0;
          nl = bytes.indexOf(10, 0);
        }
        batch.push({ line: bytes.toString('utf8', start, nl), source: 'journald', receivedAt: Date.now() });
        start = nl + 1;
        fed++;
      }
      yield batch;
    }
    doneAt = performance.now();
  }
  const input =
    process.env.FRAMES_FEED === 'denials'
      ? flood()
      : { batches: lineBatches(), denialOf: ({ line, source }) => denialOf(line, source, pipeline) };
  const terminal = new Terminal();
  const store = new GroupStore();
  const instance = render(
    createElement(App, {
      store,
      denials: input,
      sourceDescription: 'journald (journalctl --follow)',
      stats: () => ({ lines: stats.lines, unparsed: stats.unparsed, gaps: stats.gaps }),
      colour: true,
      writeReport: async () => '/dev/null',
    }),
    { stdout: terminal, stdin: new Keyboard(), exitOnCtrlC: false, patchConsole: false, maxFps: MAX_FPS },
  );
  const before = process.cpuUsage();
  const framesBefore = terminal.frames;
  const started = performance.now();
  while (doneAt === 0) await new Promise((done) => setTimeout(done, 50));
  await new Promise((done) => setTimeout(done, 200));
  const used = process.cpuUsage(before);
  const frames = terminal.frames - framesBefore;
  instance.unmount();
  const cpuMs = (used.user + used.system) / 1000;
  return {
    denials: store.events,
    fed,
    wallMs: doneAt - started,
    cpuMsPer1000: (cpuMs / fed) * 1000,
    frames,
    framesPerSecond: frames / ((doneAt - started) / 1000),
    kiBPerFrame: terminal.bytes / 1024 / Math.max(1, terminal.frames),
  };
}

function journalFile() {
  const out = join(ROOT, 'bench/out/load-frames-entries.jsonl');
  const result = spawnSync(
    'journalctl',
    ['--output=json', `--output-fields=${FIELDS}`, '--lines=20000', '--no-pager', '_TRANSPORT=kernel'],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  if (result.status !== 0) throw new Error(`journalctl failed: ${result.stderr}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, result.stdout);
  return out;
}

if (process.argv[2] === '--child') {
  const [build, file, rate, seconds] = process.argv.slice(3);
  process.stdout.write(JSON.stringify(await child(build, file, Number(rate), Number(seconds))));
  process.exit(0);
}

const rate = Number(process.env.FRAMES_RATE ?? 10_000);
const seconds = Number(process.env.FRAMES_SECONDS ?? 8);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const file = process.env.FRAMES_FILE ?? journalFile();
const builds = [
  ...(process.env.BENCH_BASE ? [{ label: 'base', root: resolve(process.env.BENCH_BASE) }] : []),
  { label: 'this', root: ROOT },
];
for (const { root } of builds) {
  if (!existsSync(join(root, 'dist/components/App.js')))
    throw new Error(`cannot find a build in ${root}/dist`);
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (x) => Math.round(x * 100) / 100;
const samples = new Map(builds.map(({ label }) => [label, []]));
for (let run = 0; run < runs; run++) {
  for (const { label, root } of builds) {
    const result = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--child', root, file, String(rate), String(seconds)],
      { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 20 },
    );
    if (result.status !== 0) throw new Error(`${label} failed (${result.status}): ${result.stderr}`);
    samples.get(label).push(JSON.parse(result.stdout));
  }
}
const summary = {};
for (const [label, runsOf] of samples) {
  const of = (key) => runsOf.map((r) => r[key]);
  summary[label] = {
    cpuMsPer1000: { min: round(Math.min(...of('cpuMsPer1000'))), median: round(median(of('cpuMsPer1000'))) },
    framesPerSecond: round(median(of('framesPerSecond'))),
    kiBPerFrame: round(median(of('kiBPerFrame'))),
    lost: Math.max(...runsOf.map((r) => r.fed - r.denials)),
  };
  console.log(`${label.padEnd(5)} ${JSON.stringify(summary[label])}`);
}
if (summary.base) {
  const ratio = summary.this.cpuMsPer1000.median / summary.base.cpuMsPer1000.median;
  console.log(`this/base CPU per 1,000 denials (median): ${round(ratio)}`);
  summary.ratio = round(ratio);
}
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(
  join(ROOT, 'bench/out/load-frames.json'),
  `${JSON.stringify({ date: new Date().toISOString(), rate, seconds, runs, summary, samples: Object.fromEntries(samples) }, null, 2)}\n`,
);
