#!/usr/bin/env node
// Load: real seccomp denials at LOAD_RATE a second (default 10,000) for LOAD_SECONDS (60) while the
// interactive UI follows them in a real terminal (tmux). Measures what was emitted (the generator's
// count, and what the journal holds afterwards), what the UI counted (its header), how long an
// injected marker denial takes to reach the screen (one a second), how long a key press takes to
// redraw while loaded, and the UI's resident memory every second. Writes bench/out/load.json (or
// --out) and prints a table; figures are reported against the goals, never asserted (the CI
// variant, test/tui/load.test.ts, asserts the counts).
//
// The path: test/helpers/load-seccomp makes real denied syscalls under a SECCOMP_FILTER_FLAG_LOG
// filter, so the kernel writes one type=1326 audit record per call. Its binary is copied under
// /snap/NAME/1/bin/ so that the records name a snap (exe=), and the UI follows only that snap:
// the counts cannot be inflated by other programs' denials. The default source is journald, as
// `scanlog` picks on this machine: journald receives each record twice, by the audit multicast
// (complete: the kernel makes the denied caller wait when the audit backlog is full) and through
// /dev/kmsg (128 KiB here, overwritten when a reader falls behind by ~50 ms at this rate).
// `--source kmsg` follows that ring buffer directly; what it loses shows as gaps.
//
// Where a marker's time goes: the UI traces it (SNAPPY_DEBUG_TRACE, src/ui/feed-trace.ts) from the
// line read by its source to the frame written. journald tells its followers about new entries at
// most every 250 ms (its post-change timer, POST_CHANGE_TIMER_INTERVAL_USEC in systemd v252), so
// through journald a marker waits 0-250 ms before journalctl can read it whatever the UI does: the
// rows split the system's part (marker -> read by us) from ours (read -> frame, goal < 100 ms at
// p95). Through kmsg the record is readable at once and the whole marker -> screen can be < 100 ms.
//
// Needs root, tmux, `npm run build`; builds the helper (make -C native) and starts the test daemons.
// The journald source reads the journal files itself by default (native/build/journal.node, polled
// every 10 ms: no 250 ms wait); `--reader journalctl` makes it follow `journalctl --follow` instead
// (SNAPPY_DEBUG_JOURNAL_READER=journalctl), for A/B runs.
//
// Usage: node bench/load.mjs [--rate N] [--seconds N] [--source journald|kmsg] [--reader native|journalctl]
//                            [--drain-seconds N] [--out FILE]
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { markersOnScreen, ScreenWatch, Terminal } from './load/screen.mjs';
import {
  auditLost,
  auditSocketDrops,
  childPid,
  cpuMs,
  cpuMsIfAlive,
  journalCopies,
  journaldPid,
  quantile,
  round,
  rssFileMiB,
  rssMiB,
  slopePerMinute,
  threadCpuMs,
  toJournalMs,
  waitChannel,
} from './load/system.mjs';
import { journalTimesOf, markerStages, parseTrace } from './load/trace.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/src/main.js');
const HELPER = join(ROOT, 'native/build/helpers/load-seccomp');
/** The generator's default marker syscall, ustat (136 on x86_64). */
const MARKER = { name: 'ustat', number: 136 };
const SNAP = `sdload-${process.pid}`;
const SNAP_ROOT = `/snap/${SNAP}`;
/** The UI's own timings of the markers and of its frames (src/ui/feed-trace.ts). */
const TRACE = `/tmp/snappy-debug-load-trace-${process.pid}.txt`;
const COLUMNS = 120;
const ROWS = 30;
const POLL_MS = 10;
/** A key press not redrawn within this long counts as unanswered. */
const KEY_TIMEOUT_MS = 10_000;

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: process.env.LOAD_RATE ?? '10000' },
    seconds: { type: 'string', default: process.env.LOAD_SECONDS ?? '60' },
    source: { type: 'string', default: process.env.LOAD_SOURCE ?? 'journald' },
    reader: { type: 'string', default: process.env.LOAD_JOURNAL_READER ?? 'native' },
    out: { type: 'string', default: join(ROOT, 'bench/out/load.json') },
    /** How long the UI may take to count what was emitted, after the load ends. */
    'drain-seconds': { type: 'string', default: process.env.LOAD_DRAIN_SECONDS ?? '120' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const DRAIN_MS = Number(values['drain-seconds']) * 1000;
if (!Number.isInteger(RATE) || RATE < 1) fail(`--rate must be a positive integer, got '${values.rate}'`);
if (!Number.isInteger(SECONDS) || SECONDS < 2)
  fail(`--seconds must be an integer >= 2, got '${values.seconds}'`);
if (!(DRAIN_MS > 0)) fail(`--drain-seconds must be a positive number, got '${values['drain-seconds']}'`);
if (!['journald', 'kmsg'].includes(values.source))
  fail(`--source must be journald or kmsg, got '${values.source}'`);

if (!['native', 'journalctl'].includes(values.reader))
  fail(`--reader must be native or journalctl, got '${values.reader}'`);

function fail(message) {
  console.error(`bench/load: ${message}`);
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** CPU used since `before`, or null when the process ended meanwhile (its CPU is unknown). */
const since = (now, before) => (now === null ? null : now - before);
const terminal = new Terminal(`snappy-debug-load-${process.pid}`, MARKER.name);

/** Runs the generator; calls onLine for each line it prints; resolves with its summary. */
function generate(args, onLine) {
  const child = spawn(join(SNAP_ROOT, '1/bin/load-seccomp'), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const summary = {};
  createInterface({ input: child.stdout }).on('line', (line) => {
    const done = /^done pid=(\d+) emitted=(\d+) markers=(\d+) elapsed_ms=(\d+)$/.exec(line);
    if (done)
      Object.assign(summary, { pid: +done[1], emitted: +done[2], markers: +done[3], elapsedMs: +done[4] });
    onLine(line);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && summary.pid ? resolve(summary) : reject(new Error(`load-seccomp exited ${code}`)),
    );
  });
}

function setUp() {
  if (process.getuid?.() !== 0) fail('needs root (the kernel records, printk_ratelimit, /snap)');
  if (!existsSync(CLI)) fail(`cannot find ${CLI}: run npm run build`);
  // Only the generator: the launcher may be mid-edit.
  execFileSync('make', ['-s', '-C', join(ROOT, 'native'), 'build/helpers/load-seccomp'], {
    stdio: 'inherit',
  });
  execFileSync('bash', [join(ROOT, 'scripts/daemons.sh'), 'start'], { stdio: 'inherit' });
  mkdirSync(join(SNAP_ROOT, '1/bin'), { recursive: true });
  copyFileSync(HELPER, join(SNAP_ROOT, '1/bin/load-seccomp'));
  execFileSync('chmod', ['0755', join(SNAP_ROOT, '1/bin/load-seccomp')]);
}

function tearDown() {
  terminal.kill();
  rmSync(SNAP_ROOT, { recursive: true, force: true });
  // LOAD_KEEP_TRACE=1 leaves the UI's trace for a closer look.
  if (!process.env.LOAD_KEEP_TRACE) rmSync(TRACE, { force: true });
}

async function startUi() {
  // e.g. LOAD_UI_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to see where the UI's time goes.
  const flags = process.env.LOAD_UI_NODE_FLAGS ?? '';
  const reader = values.reader === 'journalctl' ? 'SNAPPY_DEBUG_JOURNAL_READER=journalctl ' : '';
  const trace = `${reader}SNAPPY_DEBUG_TRACE=${TRACE} SNAPPY_DEBUG_TRACE_SYSCALL=${MARKER.number}`;
  terminal.start(`${trace} node ${flags} ${CLI} scanlog --source ${values.source} ${SNAP}`, COLUMNS, ROWS);
  await terminal.waitFor((s) => s.seccomp === 0, 'the UI header', 60_000);
  // The source positions itself after the first frame: denials until one is on screen.
  const deadline = Date.now() + 30_000;
  for (let shown = 0; shown === 0;) {
    if (Date.now() > deadline) throw new Error('the UI never showed a warm-up denial');
    await generate(['--rate=1', '--seconds=2', '--marker-ms=100000'], () => {});
    shown = (await terminal.waitFor(() => true, 'a screen', 5_000)).seccomp;
    if (shown === 0) await sleep(1000);
  }
  await sleep(1500); // the warm-up's second record, if any, lands before the baseline is read
  return (await terminal.read()).seccomp;
}

async function measure() {
  const loads = { start: loadavg() };
  const baseline = await startUi();
  const pid = terminal.programPid('node');
  const watch = new ScreenWatch(terminal, POLL_MS);
  const markersBefore = (await terminal.read()).markers;
  /** When each marker was denied (generator's realtime clock, ms). */
  const markerTimes = [];
  const keyMs = [];
  let keysMissed = 0;
  const rss = [];
  /** Each second: load denials emitted (last progress line) minus those the UI counted. */
  const behind = [];
  let emittedSoFar = 0;
  const started = Date.now();
  const lostBefore = auditLost();
  const follower = childPid(pid, 'journalctl');
  const journald = journaldPid();
  const dropsBefore = journald ? auditSocketDrops(journald) : 0;
  const cpuBefore = {
    ui: cpuMs(pid),
    reader: threadCpuMs(pid, 'journal-reader'),
    journalctl: follower ? cpuMs(follower) : 0,
    journald: journald ? cpuMs(journald) : 0,
  };
  let loadRunning = true;
  const sampler = (async () => {
    while (loadRunning) {
      rss.push({ t: (Date.now() - started) / 1000, rss: rssMiB(pid), file: rssFileMiB(pid) });
      if (emittedSoFar > 0) behind.push(emittedSoFar - ((await terminal.read()).seccomp - baseline));
      await sleep(1000);
    }
  })();
  // Where journalctl waits while loaded: on its full output pipe (we read too slowly) or elsewhere.
  const journalctlWaits = {};
  const waits = (async () => {
    while (follower && loadRunning) {
      const channel = waitChannel(follower) ?? 'gone';
      journalctlWaits[channel] = (journalctlWaits[channel] ?? 0) + 1;
      await sleep(50);
    }
  })();
  const keys = (async () => {
    await sleep(1500);
    while (loadRunning) {
      const off = (await terminal.read()).apparmorOff;
      const pressedAt = Date.now();
      terminal.press('1');
      const ms = await watch.expect((s) => s.apparmorOff !== off, pressedAt, KEY_TIMEOUT_MS);
      if (ms === null) keysMissed++;
      else keyMs.push(ms);
      await sleep(2000);
    }
  })();
  const pendingMarkers = [];
  const summary = await generate([`--rate=${RATE}`, `--seconds=${SECONDS}`], (line) => {
    const marker = /^marker n=(\d+) at_ms=(\d+)$/.exec(line);
    if (marker) {
      const n = Number(marker[1]);
      const emittedAt = Number(marker[2]);
      markerTimes.push(emittedAt);
      // Keeps the screen captured while markers are awaited; they are timed from the captures afterwards.
      pendingMarkers.push(watch.expect((s) => s.markers >= n, emittedAt));
    }
    const progress = /^progress second=\d+ emitted=(\d+)$/.exec(line);
    if (progress) emittedSoFar = Number(progress[1]);
  });
  const generatedAt = Date.now();
  const loadStartedAt = generatedAt - summary.elapsedMs;
  loads.endOfLoad = loadavg();
  const expected = baseline + summary.emitted + summary.markers;
  // After the load: until the UI has counted everything, or its count stood still for 15 s.
  let shown = await terminal.read();
  let lastChange = Date.now();
  while (
    shown.seccomp < expected &&
    Date.now() - lastChange < 15_000 &&
    Date.now() - generatedAt < DRAIN_MS
  ) {
    await sleep(250);
    const next = await terminal.read();
    if (next.seccomp !== shown.seccomp) lastChange = Date.now();
    shown = next;
  }
  const drainedMs = Date.now() - generatedAt;
  const cpu = {
    uiMs: cpuMs(pid) - cpuBefore.ui,
    readerMs: threadCpuMs(pid, 'journal-reader') - cpuBefore.reader,
    journalctlMs: follower ? since(cpuMsIfAlive(follower), cpuBefore.journalctl) : null,
    journaldMs: journald ? since(cpuMsIfAlive(journald), cpuBefore.journald) : null,
  };
  const journaldAuditDrops = journald ? auditSocketDrops(journald) - dropsBefore : null;
  loadRunning = false;
  // A key pressed just before is answered or times out; markers not shown by now never were.
  await keys;
  watch.giveUp();
  await Promise.all([sampler, waits, ...pendingMarkers]);
  const lostAfter = auditLost();
  terminal.press('q');
  // The UI appends its last trace events as it quits.
  await sleep(1500);
  return {
    journalctlWaits,
    trace: parseTrace(existsSync(TRACE) ? readFileSync(TRACE, 'utf8') : ''),
    loadStartedAt,
    generatedAt,
    baseline,
    summary,
    shown,
    expected,
    drainedMs,
    markerTimes,
    keyMs,
    rss,
    loads,
    kernelAuditLost: lostAfter - lostBefore,
    started,
    behind,
    markersBefore,
    captures: watch.captures,
    keysMissed,
    cpu,
    journaldAuditDrops,
  };
}

setUp();
// Interrupted: the terminal and the snap directory go, as after a normal end.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    tearDown();
    process.exit(130);
  });
}
let result;
try {
  result = await measure();
} finally {
  tearDown();
}
const { summary, shown, keyMs, rss, loads } = result;
const onScreen = markersOnScreen(
  result.markerTimes,
  result.trace.denials.map((d) => d.recordedAt).filter((t) => t !== undefined),
  result.captures,
  result.markersBefore,
);
const markerMs = onScreen.delays;
const journal = journalCopies(summary.pid, result.started - 5_000);
const toJournal = toJournalMs(summary.pid, MARKER.number, result.markerTimes);
const counted = shown.seccomp - result.baseline;
const traced = markerStages(
  result.trace,
  result.markerTimes,
  journalTimesOf(summary.pid, MARKER.number, result.started - 5_000),
  result.loadStartedAt,
  result.generatedAt,
);
const last30 = rss.filter((s) => s.t >= rss.at(-1).t - 30);
/** The process's own memory: resident minus mapped files (journal files are journald's page cache). */
const own = rss.map((s) => ({ t: s.t, rss: s.rss - s.file }));
const ownMax = (from, to) => Math.max(...own.filter((s) => s.t >= from && s.t < to).map((s) => s.rss));
const end = own.at(-1).t + 1e-9;
const half = Math.min(30, end / 2);
// Maxima of two windows, not a line through a garbage collector's sawtooth: a leak raises the later one.
const ownGrowth = ownMax(end - half, end) - ownMax(end - 2 * half, end - half);
const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
  source: values.source,
  /** How the journald source read the journal: its own reader (native) or journalctl --follow. */
  reader: values.source === 'journald' ? values.reader : null,
  rate: RATE,
  seconds: SECONDS,
  generator: {
    pid: summary.pid,
    emitted: summary.emitted,
    markers: summary.markers,
    elapsedMs: summary.elapsedMs,
    achievedRate: Math.round((summary.emitted / summary.elapsedMs) * 1000),
  },
  kernelAuditLost: result.kernelAuditLost,
  journal: {
    auditRecords: journal.audit,
    kernelRecords: journal.kernel,
    eitherCopy: journal.either,
    auditSocketDrops: result.journaldAuditDrops,
  },
  ui: {
    counted,
    /** Of what reached the journal (either copy), what the UI did not count. */
    missedFromJournal: journal.either - counted,
    expected: summary.emitted + summary.markers,
    lost: summary.emitted + summary.markers - counted,
    gaps: shown.gaps,
    drainedMsAfterLoad: result.drainedMs,
  },
  markerToScreenMs: {
    samples: markerMs.length,
    neverShown: onScreen.neverShown,
    /** Markers the system lost before our source could read them (shown as gaps, not timed). */
    notDelivered: onScreen.notDelivered,
    median: round(quantile(markerMs, 0.5)),
    p95: round(quantile(markerMs, 0.95)),
    max: round(Math.max(...markerMs)),
    under100: markerMs.filter((x) => x < 100).length,
  },
  markerToJournalMs: {
    samples: toJournal.length,
    median: round(quantile(toJournal, 0.5)),
    p95: round(quantile(toJournal, 0.95)),
    max: round(Math.max(...toJournal)),
  },
  /**
   * The UI's trace of each marker (ms from the generator's call): the record's audit stamp
   * (kernel), journald's receive time of its kernel-log copy (journal), the line read by our
   * source (readByUs: the system's part, journald's change notification and journalctl included),
   * then ours: waiting for the feed (queuedInUs), parse + enrich + store (stored), until the flush
   * that hands it to React (untilFlush), until the next frame written (untilFrame), and the sum
   * from read to frame (ours) and from the call to the frame (onScreen).
   */
  markerStagesMs: traced.stages,
  tracedMarkers: traced.markers,
  /** Intervals between frames the UI wrote while the load ran: "keeps redrawing under 100 ms". */
  frameIntervalMs: { frames: traced.framesDuringLoad, ...traced.frameIntervalMs },
  perMarkerMs: traced.perMarker,
  /** journalctl's wait channel sampled every 50 ms while loaded: pipe_write = blocked on our reading. */
  journalctlWaits: result.journalctlWaits,
  keyPressMs: {
    samples: keyMs.length,
    neverShown: result.keysMissed,
    median: round(quantile(keyMs, 0.5)),
    p95: round(quantile(keyMs, 0.95)),
    max: round(Math.max(...keyMs)),
  },
  cpuMsPer1000Denials: Object.fromEntries(
    Object.entries({
      ui: result.cpu.uiMs,
      /** The native journal reader's thread (part of ui): what journalctl's share was before. */
      readerThread: values.source === 'journald' && values.reader === 'native' ? result.cpu.readerMs : null,
      journalctl: result.cpu.journalctlMs,
      journald: result.cpu.journaldMs,
    }).map(([who, cpu]) => [
      who,
      cpu === null ? null : round((cpu / (summary.emitted + summary.markers)) * 1000),
    ]),
  ),
  uiBehindMax: result.behind.length ? Math.max(...result.behind) : null,
  rssMiB: {
    first: round(rss[0]?.rss),
    max: round(Math.max(...rss.map((s) => s.rss))),
    last: round(rss.at(-1)?.rss),
    last30sSlopePerMinute: round(slopePerMinute(last30), 2),
    /** Of the resident memory, mapped files (the binary, libraries, the journal files read natively). */
    fileMax: round(Math.max(...rss.map((s) => s.file))),
    samples: rss.map((s) => round(s.rss)),
    fileSamples: rss.map((s) => round(s.file)),
    /** Own memory (resident minus mapped files): max in the last 30 s minus max in the 30 s before. */
    ownMaxGrowthLast30s: round(ownGrowth),
    ownWindowSeconds: round(half),
  },
  loadAverage: Object.fromEntries(Object.entries(loads).map(([k, v]) => [k, v.map((x) => round(x, 2))])),
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);

const r = report;
const rows = [
  [
    'denials emitted (generator)',
    `${r.generator.emitted} + ${r.generator.markers} markers`,
    `${RATE * SECONDS}`,
    r.generator.emitted === RATE * SECONDS,
  ],
  [
    'achieved rate',
    `${r.generator.achievedRate}/s`,
    `${RATE}/s (>= 95%)`,
    r.generator.achievedRate >= RATE * 0.95,
  ],
  ['kernel audit records lost', `${r.kernelAuditLost}`, '0', r.kernelAuditLost === 0],
  ['journald audit socket drops (multicast)', `${r.journal.auditSocketDrops ?? '-'}`, '(witness)', undefined],
  [
    'journal: audit / kernel copies',
    `${r.journal.auditRecords} / ${r.journal.kernelRecords}`,
    '(witness)',
    undefined,
  ],
  [
    'journal: records in either copy',
    `${r.journal.eitherCopy}`,
    '(what a journal reader can get)',
    undefined,
  ],
  ['counted by the UI', `${r.ui.counted} of ${r.ui.expected}`, 'all', r.ui.lost === 0],
  [
    'of what reached the journal, not counted by the UI',
    `${r.ui.missedFromJournal}`,
    '0 (negative: the UI had more than the journal)',
    r.ui.missedFromJournal <= 0,
  ],
  ['gaps shown by the UI', `${r.ui.gaps}`, '0', r.ui.gaps === 0],
  [
    'UI counting after the load ended',
    `${r.ui.drainedMsAfterLoad} ms${r.ui.lost > 0 ? ` (stopped waiting, ${r.ui.lost} not counted)` : ''}`,
    '',
    undefined,
  ],
  [
    'CPU per 1,000 denials: UI (its reader thread) / journalctl / journald',
    `${r.cpuMsPer1000Denials.ui} (${r.cpuMsPer1000Denials.readerThread ?? '-'}) / ${r.cpuMsPer1000Denials.journalctl ?? '-'} / ${r.cpuMsPer1000Denials.journald ?? '-'} ms`,
    `< ${Math.round(1e6 / RATE)} ms (one core at the rate)`,
    r.cpuMsPer1000Denials.ui < 1e6 / RATE,
  ],
  [
    'marker -> screen, median',
    `${r.markerToScreenMs.median} ms`,
    'under 100 ms',
    r.markerToScreenMs.median < 100,
  ],
  [
    'marker -> journal (kernel + journald), median / p95',
    `${r.markerToJournalMs.median} / ${r.markerToJournalMs.p95} ms`,
    '(part of the above)',
    undefined,
  ],
  [
    'marker -> screen, p95',
    `${r.markerToScreenMs.p95} ms (${r.markerToScreenMs.samples} shown, ${r.markerToScreenMs.neverShown} never, ${r.markerToScreenMs.notDelivered} lost by the system)`,
    'under 100 ms',
    r.markerToScreenMs.neverShown === 0 && r.markerToScreenMs.p95 < 100,
  ],
  [
    'journalctl blocked on writing to us (of its samples)',
    `${r.journalctlWaits.pipe_write ?? 0} of ${Object.values(r.journalctlWaits).reduce((a, b) => a + b, 0)}`,
    '(witness: who is behind)',
    undefined,
  ],
  [
    'marker -> in the journal (kernel copy), median / p95',
    `${r.markerStagesMs.journal.median} / ${r.markerStagesMs.journal.p95} ms`,
    '(part of the above)',
    undefined,
  ],
  [
    'marker -> read by us (system: kernel, journald, journalctl), median / p95',
    `${r.markerStagesMs.readByUs.median} / ${r.markerStagesMs.readByUs.p95} ms (${r.tracedMarkers} traced)`,
    '(part of the above)',
    undefined,
  ],
  [
    'read by us -> frame written (ours), median / p95',
    `${r.markerStagesMs.ours.median} / ${r.markerStagesMs.ours.p95} ms`,
    'p95 under 100 ms',
    Number.isFinite(r.markerStagesMs.ours.p95) ? r.markerStagesMs.ours.p95 < 100 : undefined,
  ],
  [
    'ours: queued / stored / until flush / until frame, p95',
    ['queuedInUs', 'stored', 'untilFlush', 'untilFrame'].map((k) => r.markerStagesMs[k].p95).join(' / ') +
      ' ms',
    '(witness)',
    undefined,
  ],
  [
    'frame to frame while loaded, median / p95 / max',
    `${r.frameIntervalMs.median} / ${r.frameIntervalMs.p95} / ${r.frameIntervalMs.max} ms (${r.frameIntervalMs.frames} frames)`,
    'p95 under 100 ms',
    Number.isFinite(r.frameIntervalMs.p95) ? r.frameIntervalMs.p95 < 100 : undefined,
  ],
  ['key press -> redraw, median', `${r.keyPressMs.median} ms`, 'under 100 ms', r.keyPressMs.median < 100],
  [
    'key press -> redraw, p95',
    `${r.keyPressMs.p95} ms (${r.keyPressMs.samples} presses, ${r.keyPressMs.neverShown} unanswered)`,
    'under 100 ms',
    r.keyPressMs.neverShown === 0 && r.keyPressMs.p95 < 100,
  ],
  ['resident memory, max', `${r.rssMiB.max} MiB`, 'under 300 MB', r.rssMiB.max * 1.048576 < 300],
  [
    'resident memory: mapped files, max',
    `${r.rssMiB.fileMax} MiB`,
    '(witness: part of the above)',
    undefined,
  ],
  [
    'resident memory trend, last 30 s',
    `${r.rssMiB.last30sSlopePerMinute} MiB/min`,
    '(witness: a line through GC sawteeth)',
    undefined,
  ],
  [
    `own memory (less mapped files): max, last ${r.rssMiB.ownWindowSeconds} s vs the ${r.rssMiB.ownWindowSeconds} s before`,
    `${r.rssMiB.ownMaxGrowthLast30s >= 0 ? '+' : ''}${r.rssMiB.ownMaxGrowthLast30s} MiB`,
    'bounded (< +10 MiB)',
    r.rssMiB.ownMaxGrowthLast30s < 10,
  ],
];
const widths = [34, 34, 20];
const cells = (row) => row.map((cell, i) => String(cell).padEnd(widths[i] ?? 0)).join(' ');
console.log(
  `load: ${RATE}/s for ${SECONDS} s through ${values.source}${r.reader ? ` (${r.reader} reader)` : ''}, ${r.machine.cores} cores (shared), load average ` +
    `${r.loadAverage.start.join(' ')} at start, ${r.loadAverage.endOfLoad.join(' ')} at the end of the load`,
);
console.log(cells(['figure', 'measured', 'goal', 'met']));
for (const [name, measured, goal, met] of rows)
  console.log(cells([name, measured, goal, met === undefined ? '' : met ? 'yes' : 'NO']));
report.rows = rows.map(([figure, measured, goal, met]) => ({ figure, measured, goal, met: met ?? null }));
writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
