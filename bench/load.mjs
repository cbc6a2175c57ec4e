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
// Needs root, tmux, `npm run build`; builds the helper (make -C native) and starts the test daemons.
// Usage: node bench/load.mjs [--rate N] [--seconds N] [--source journald|kmsg] [--drain-seconds N] [--out FILE]
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/src/main.js');
const HELPER = join(ROOT, 'native/build/helpers/load-seccomp');
const MARKER_SYSCALL = 'ustat';
/** ustat on x86_64, the generator's default marker. */
const MARKER_NUMBER = 136;
const SOCKET = `snappy-debug-load-${process.pid}`;
const SNAP = `sdload-${process.pid}`;
const SNAP_ROOT = `/snap/${SNAP}`;
const COLUMNS = 120;
const ROWS = 30;
/** Screen polls while a marker or a key press is awaited; each is one tmux client run. */
const POLL_MS = 10;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: process.env.LOAD_RATE ?? '10000' },
    seconds: { type: 'string', default: process.env.LOAD_SECONDS ?? '60' },
    source: { type: 'string', default: process.env.LOAD_SOURCE ?? 'journald' },
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
if (!['journald', 'kmsg'].includes(values.source))
  fail(`--source must be journald or kmsg, got '${values.source}'`);

function fail(message) {
  console.error(`bench/load: ${message}`);
  process.exit(2);
}

const run = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tmux = (...args) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const round = (x, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, q) =>
  xs.length ? sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * q))] : NaN;

async function screen() {
  const { stdout } = await run('tmux', ['-L', SOCKET, 'capture-pane', '-p', '-t', 'load']);
  return stdout.split('\n');
}

/** What the UI shows: its seccomp count, gaps, lines, and the marker group's count. */
function readScreen(lines) {
  const header = lines[1] ?? '';
  const marker = lines.find((l) => l.includes(`syscall ${MARKER_SYSCALL}`));
  return {
    seccomp: Number(/2:seccomp (\d+)/.exec(header)?.[1] ?? NaN),
    apparmorOff: /1:AppArmor off/.test(header),
    gaps: Number(/ (\d+) gaps/.exec(header)?.[1] ?? NaN),
    lines: Number(/ (\d+) lines/.exec(header)?.[1] ?? NaN),
    markers: marker ? Number(/^. SC \w+ +(\d+) /.exec(marker)?.[1] ?? 0) : 0,
  };
}

async function waitForScreen(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await screen();
    if (check(readScreen(lines), lines)) return readScreen(lines);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${lines.join('\n')}`);
    await sleep(100);
  }
}

/**
 * One poller for everything awaited on screen: each expectation is checked on every capture and
 * settled with the time from its start to the first capture that satisfies it.
 */
class ScreenWatch {
  pending = [];
  running = false;
  /** Resolves with the milliseconds from `started` to the first screen where `check` holds. */
  expect(check, started = Date.now()) {
    return new Promise((resolve) => {
      this.pending.push({ check, started, resolve });
      if (!this.running) void this.poll();
    });
  }
  async poll() {
    this.running = true;
    while (this.pending.length > 0) {
      const shown = readScreen(await screen());
      const at = Date.now();
      this.pending = this.pending.filter((p) => {
        if (!p.check(shown)) return true;
        p.resolve(at - p.started);
        return false;
      });
      await sleep(POLL_MS);
    }
    this.running = false;
  }
  /** Settles everything still awaited with null: it never appeared. */
  giveUp() {
    for (const p of this.pending) p.resolve(null);
    this.pending = [];
  }
}

function rssMiB(pid) {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

/** CPU time (user + system) a live process has used, in ms. */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** The UI's journalctl, when it follows journald. */
function journalctlPid(ui) {
  const found = spawnSync('pgrep', ['-P', String(ui), '-x', 'journalctl'], { encoding: 'utf8' });
  return found.stdout.trim() ? Number(found.stdout.trim().split('\n')[0]) : undefined;
}

function uiPid() {
  const shell = tmux('display-message', '-p', '-t', 'load', '#{pane_pid}').trim();
  return Number(
    execFileSync('pgrep', ['-P', shell, '-x', 'node'], { encoding: 'utf8' }).trim().split('\n')[0],
  );
}

/** Least-squares slope of (t seconds, MiB) in MiB per minute. */
function slopePerMinute(samples) {
  const n = samples.length;
  if (n < 2) return NaN;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const mr = samples.reduce((s, x) => s + x.rss, 0) / n;
  const num = samples.reduce((s, x) => s + (x.t - mt) * (x.rss - mr), 0);
  const den = samples.reduce((s, x) => s + (x.t - mt) ** 2, 0);
  return (num / den) * 60;
}

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

function auditLost() {
  const text = execFileSync('auditctl', ['-s'], { encoding: 'utf8' });
  return Number(/^lost (\d+)$/m.exec(text)?.[1] ?? NaN);
}

/** How many of the generator's records the journal holds, per transport. */
/**
 * For each marker (in order), the time from the generator's call to journald's receipt of its audit
 * record (__REALTIME_TIMESTAMP): the kernel's and journald's share of the marker's way to the screen.
 */
function markerToJournalMs(pid, markerTimes) {
  const out = execFileSync(
    'journalctl',
    ['--no-pager', '-o', 'json', `_PID=${pid}`, '_TRANSPORT=audit', `_AUDIT_FIELD_SYSCALL=${MARKER_NUMBER}`],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const received = out
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(JSON.parse(line).__REALTIME_TIMESTAMP) / 1000);
  return markerTimes.slice(0, received.length).map((at, i) => received[i] - at);
}

function journaldPid() {
  const pidFile = '/run/snappy-debug/journald.pid';
  return existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
}

function journalCopies(pid, since) {
  const count = (args, needle) => {
    const out = execFileSync(
      'journalctl',
      ['--no-pager', '-o', 'cat', `--since=@${Math.floor(since / 1000)}`, ...args],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
      },
    );
    return out.split('\n').filter((l) => l.includes(needle)).length;
  };
  return {
    audit: count([`_PID=${pid}`, '_TRANSPORT=audit'], 'SECCOMP'),
    kernel: count(['_TRANSPORT=kernel'], ` pid=${pid} `),
  };
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
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  rmSync(SNAP_ROOT, { recursive: true, force: true });
}

async function startUi() {
  const ci = Object.keys(process.env).filter(
    (k) => k === 'CI' || k === 'CONTINUOUS_INTEGRATION' || k.startsWith('CI_'),
  );
  const command = [
    'env',
    ...ci.map((k) => `-u ${k}`),
    'TERM=xterm-256color',
    // e.g. LOAD_UI_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to see where the UI's time goes.
    `node ${process.env.LOAD_UI_NODE_FLAGS ?? ''} ${CLI} scanlog --source ${values.source} ${SNAP}`,
  ].join(' ');
  tmux(
    'new-session',
    '-d',
    '-s',
    'load',
    '-x',
    String(COLUMNS),
    '-y',
    String(ROWS),
    `${command}; echo "EXIT=$?"; sleep 600`,
  );
  tmux('set-option', '-t', 'load', 'window-size', 'manual');
  await waitForScreen((s) => s.seccomp === 0, 'the UI header', 60_000);
  // The source positions itself after the first frame: denials until one is on screen.
  const deadline = Date.now() + 30_000;
  for (let shown = 0; shown === 0;) {
    if (Date.now() > deadline) throw new Error('the UI never showed a warm-up denial');
    await generate(['--rate=1', '--seconds=2', '--marker-ms=100000'], () => {});
    shown = (await waitForScreen(() => true, 'a screen', 5_000)).seccomp;
    if (shown === 0) await sleep(1000);
  }
  await sleep(1500); // the warm-up's second record, if any, lands before the baseline is read
  return readScreen(await screen()).seccomp;
}

async function measure() {
  const loads = { start: loadavg() };
  const baseline = await startUi();
  const pid = uiPid();
  const watch = new ScreenWatch();
  const markerMs = [];
  /** When each marker was denied (generator's realtime clock, ms). */
  const markerTimes = [];
  const keyMs = [];
  let markersMissed = 0;
  let keysMissed = 0;
  const rss = [];
  /** Each second: load denials emitted (last progress line) minus those the UI counted. */
  const behind = [];
  let emittedSoFar = 0;
  const started = Date.now();
  const lostBefore = auditLost();
  const follower = journalctlPid(pid);
  const journald = journaldPid();
  const cpuBefore = {
    ui: cpuMs(pid),
    journalctl: follower ? cpuMs(follower) : 0,
    journald: journald ? cpuMs(journald) : 0,
  };
  let loadRunning = true;
  const sampler = (async () => {
    while (loadRunning) {
      rss.push({ t: (Date.now() - started) / 1000, rss: rssMiB(pid) });
      if (emittedSoFar > 0) behind.push(emittedSoFar - (readScreen(await screen()).seccomp - baseline));
      await sleep(1000);
    }
  })();
  const keys = (async () => {
    await sleep(1500);
    while (loadRunning) {
      const off = readScreen(await screen()).apparmorOff;
      const pressedAt = Date.now();
      tmux('send-keys', '-t', 'load', '1');
      const ms = await watch.expect((s) => s.apparmorOff !== off, pressedAt);
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
      pendingMarkers.push(
        watch
          .expect((s) => s.markers >= n, emittedAt)
          .then((ms) => (ms === null ? markersMissed++ : markerMs.push(ms))),
      );
    }
    const progress = /^progress second=\d+ emitted=(\d+)$/.exec(line);
    if (progress) emittedSoFar = Number(progress[1]);
  });
  const generatedAt = Date.now();
  loads.endOfLoad = loadavg();
  const expected = baseline + summary.emitted + summary.markers;
  // After the load: until the UI has counted everything, or its count stood still for 15 s.
  let shown = readScreen(await screen());
  let lastChange = Date.now();
  while (
    shown.seccomp < expected &&
    Date.now() - lastChange < 15_000 &&
    Date.now() - generatedAt < DRAIN_MS
  ) {
    await sleep(250);
    const next = readScreen(await screen());
    if (next.seccomp !== shown.seccomp) lastChange = Date.now();
    shown = next;
  }
  const drainedMs = Date.now() - generatedAt;
  const cpu = {
    uiMs: cpuMs(pid) - cpuBefore.ui,
    journalctlMs: follower ? cpuMs(follower) - cpuBefore.journalctl : null,
    journaldMs: journald ? cpuMs(journald) - cpuBefore.journald : null,
  };
  loadRunning = false;
  watch.giveUp();
  await Promise.all([sampler, keys, ...pendingMarkers]);
  const lostAfter = auditLost();
  tmux('send-keys', '-t', 'load', 'q');
  await sleep(500);
  return {
    baseline,
    summary,
    shown,
    expected,
    drainedMs,
    markerMs,
    markerTimes,
    keyMs,
    rss,
    loads,
    kernelAuditLost: lostAfter - lostBefore,
    started,
    behind,
    markersMissed,
    keysMissed,
    cpu,
  };
}

setUp();
let result;
try {
  result = await measure();
} finally {
  tearDown();
}
const { summary, shown, markerMs, keyMs, rss, loads } = result;
const journal = journalCopies(summary.pid, result.started - 5_000);
const toJournal = markerToJournalMs(summary.pid, result.markerTimes);
const counted = shown.seccomp - result.baseline;
const last30 = rss.filter((s) => s.t >= rss.at(-1).t - 30);
const report = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
  source: values.source,
  rate: RATE,
  seconds: SECONDS,
  generator: {
    emitted: summary.emitted,
    markers: summary.markers,
    elapsedMs: summary.elapsedMs,
    achievedRate: Math.round((summary.emitted / summary.elapsedMs) * 1000),
  },
  kernelAuditLost: result.kernelAuditLost,
  journal: { auditRecords: journal.audit, kernelRecords: journal.kernel },
  ui: {
    counted,
    expected: summary.emitted + summary.markers,
    lost: summary.emitted + summary.markers - counted,
    gaps: shown.gaps,
    drainedMsAfterLoad: result.drainedMs,
  },
  markerToScreenMs: {
    samples: markerMs.length,
    neverShown: result.markersMissed,
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
    samples: rss.map((s) => round(s.rss)),
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
  [
    'journal: audit / kernel copies',
    `${r.journal.auditRecords} / ${r.journal.kernelRecords}`,
    '(witness)',
    undefined,
  ],
  ['counted by the UI', `${r.ui.counted} of ${r.ui.expected}`, 'all', r.ui.lost === 0],
  ['gaps shown by the UI', `${r.ui.gaps}`, '0', r.ui.gaps === 0],
  [
    'UI counting after the load ended',
    `${r.ui.drainedMsAfterLoad} ms${r.ui.lost > 0 ? ` (stopped waiting, ${r.ui.lost} not counted)` : ''}`,
    '',
    undefined,
  ],
  [
    'CPU per 1,000 denials: UI / journalctl / journald',
    `${r.cpuMsPer1000Denials.ui} / ${r.cpuMsPer1000Denials.journalctl ?? '-'} / ${r.cpuMsPer1000Denials.journald ?? '-'} ms`,
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
    `${r.markerToScreenMs.p95} ms (${r.markerToScreenMs.samples} shown, ${r.markerToScreenMs.neverShown} never)`,
    'under 100 ms',
    r.markerToScreenMs.neverShown === 0 && r.markerToScreenMs.p95 < 100,
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
    'resident memory trend, last 30 s',
    `${r.rssMiB.last30sSlopePerMinute} MiB/min`,
    'flat (< 5 MiB/min)',
    Math.abs(r.rssMiB.last30sSlopePerMinute) < 5,
  ],
];
const widths = [34, 34, 20];
const cells = (row) => row.map((cell, i) => String(cell).padEnd(widths[i] ?? 0)).join(' ');
console.log(
  `load: ${RATE}/s for ${SECONDS} s through ${values.source}, ${r.machine.cores} cores (shared), load average ` +
    `${r.loadAverage.start.join(' ')} at start, ${r.loadAverage.endOfLoad.join(' ')} at the end of the load`,
);
console.log(cells(['figure', 'measured', 'goal', 'met']));
for (const [name, measured, goal, met] of rows)
  console.log(cells([name, measured, goal, met === undefined ? '' : met ? 'yes' : 'NO']));
report.rows = rows.map(([figure, measured, goal, met]) => ({ figure, measured, goal, met: met ?? null }));
writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
