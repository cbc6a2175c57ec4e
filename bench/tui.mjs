#!/usr/bin/env node
// TUI at scale: 1,000,000 denials in 100,000 groups, then the time a key press takes to reach the
// screen, resident memory, and a 10,000/s burst while keys keep being pressed. Renders the real App
// (built in dist/) through Ink into an in-memory terminal of 100x30. Figures are reported (stdout
// and bench/out/tui.json), never asserted; ratios compare against a 100-group store and a bare Map.
// Usage: node --expose-gc bench/tui.mjs [--events N] [--groups N]
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

// As runTui does: React's development build profiles every prop diff (see src/ui/run-tui.tsx).
process.env.NODE_ENV ??= 'production';
const { createElement } = await import('react');
const dist = new URL('../dist/', import.meta.url);
const { render } = await import('ink');
const { App } = await import(new URL('components/App.js', dist).href);
const { GroupStore } = await import(new URL('src/ui/group-store.js', dist).href);

const { values } = parseArgs({
  options: { events: { type: 'string', default: '1000000' }, groups: { type: 'string', default: '100000' } },
});
const EVENTS = Number(values.events);
const GROUPS = Number(values.groups);
const KINDS = ['apparmor', 'apparmor', 'apparmor', 'seccomp', 'cgroup'];
const BASE_SECONDS = 1_773_415_036;

/** A denial of group `group` at `seconds`, shaped like the parser's output. */
function denial(group, seconds, serial) {
  const kind = KINDS[group % KINDS.length];
  const snap = `snap${group % 100}`;
  const common = {
    kind,
    decision: 'DENIED',
    snap,
    instance: snap,
    app: 'app',
    label: `snap.${snap}.app`,
    pid: 1000 + (serial % 30000),
    comm: 'app',
    auditStamp: { seconds, millis: serial % 1000, serial },
  };
  if (kind === 'seccomp') {
    const log = `subj=snap.${snap}.app pid=${common.pid} comm="app" arch=c000003e syscall=${group} compat=0 code=0x50000`;
    return {
      ...common,
      log,
      raw: `audit: type=1326 audit(${seconds}.000:${serial}): ${log}`,
      syscall: { number: group, auditArch: 'c000003e', arch: 'x86_64' },
    };
  }
  if (kind === 'cgroup') {
    const log = `decision="DENIED" label="snap.${snap}.app" pid=${common.pid} dev_type=c major=${group % 256} minor=${group} access="rw"`;
    return {
      ...common,
      log,
      raw: `snappy-debug-confine: type=DEVICE_CGROUP ${log}`,
      device: { type: 'c', major: group % 256, minor: group, access: 'rw' },
    };
  }
  const path = `/var/lib/data/dir${group % 1000}/file${group}`;
  const log = `apparmor="DENIED" operation="open" profile="snap.${snap}.app" name="${path}" pid=${common.pid} comm="app" requested_mask="r" denied_mask="r"`;
  return {
    ...common,
    log,
    raw: `audit: type=1400 audit(${seconds}.000:${serial}): ${log}`,
    operation: 'open',
    path,
    requestedMask: 'r',
    deniedMask: 'r',
  };
}

class Terminal extends EventEmitter {
  columns = 100;
  rows = 30;
  isTTY = false;
  frames = 0;
  lastFrame = '';
  write = (frame) => {
    this.frames++;
    this.lastFrame = frame;
    this.emit('frame');
    return true;
  };
}

class Keyboard extends EventEmitter {
  isTTY = true;
  data = null;
  press = (data) => {
    this.data = data;
    this.emit('readable');
  };
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const nextFrame = (terminal) => new Promise((resolve) => terminal.once('frame', resolve));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const round = (x, digits = 2) => Number(x.toFixed(digits));
const mib = (bytes) => round(bytes / 1024 / 1024, 1);

function load(events, groups) {
  const store = new GroupStore();
  const started = performance.now();
  for (let i = 0; i < events; i++) store.add(denial(i % groups, BASE_SECONDS + Math.floor(i / 1000), i), 0);
  return { store, ms: performance.now() - started };
}

/** Time from a key press to the frame that shows it, `presses` times. */
async function keyLatencies(terminal, keyboard, presses, key = 'j') {
  const latencies = [];
  for (let i = 0; i < presses; i++) {
    const frame = nextFrame(terminal);
    const started = performance.now();
    keyboard.press(key);
    await frame;
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function mount(store, denials) {
  const terminal = new Terminal();
  const keyboard = new Keyboard();
  const started = performance.now();
  const first = nextFrame(terminal);
  const instance = render(
    createElement(App, {
      store,
      ...(denials ? { denials } : {}),
      sourceDescription: 'bench',
      stats: () => ({ lines: store.events, unparsed: 0, gaps: 0 }),
      colour: true,
      writeReport: async () => '/dev/null',
      size: { columns: terminal.columns, rows: terminal.rows },
    }),
    { stdout: terminal, stdin: keyboard, exitOnCtrlC: false, patchConsole: false, maxFps: 1000 },
  );
  await first;
  return { terminal, keyboard, instance, firstFrameMs: performance.now() - started };
}

async function redrawAt(events, groups) {
  const { store, ms } = load(events, groups);
  const ui = await mount(store);
  await keyLatencies(ui.terminal, ui.keyboard, 5); // warm-up
  const latencies = await keyLatencies(ui.terminal, ui.keyboard, 60);
  ui.instance.unmount();
  return { store, loadMs: ms, firstFrameMs: ui.firstFrameMs, latencies };
}

function bareMapMs(events, groups) {
  const map = new Map();
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const d = denial(i % groups, BASE_SECONDS + Math.floor(i / 1000), i);
    const key = `${d.snap}\u0000${d.app}\u0000${d.kind}\u0000${d.path ?? d.syscall?.number ?? d.device?.major}`;
    map.set(key, (map.get(key) ?? 0) + 1);
  }
  return performance.now() - started;
}

async function burst(store, perSecond, seconds) {
  const total = perSecond * seconds;
  const before = store.events;
  async function* paced() {
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      if (i % 100 === 0) {
        const due = started + (i / perSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      yield denial((i * 7919) % (GROUPS * 2), BASE_SECONDS + 10_000 + Math.floor(i / 1000), i);
    }
  }
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const ui = await mount(store, paced());
  const framesBefore = ui.terminal.frames;
  const started = performance.now();
  const latencies = [];
  while (store.events - before < total) {
    latencies.push(...(await keyLatencies(ui.terminal, ui.keyboard, 1, latencies.length % 2 ? 'k' : 'j')));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ingestMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 200));
  lag.disable();
  const frames = ui.terminal.frames - framesBefore;
  ui.instance.unmount();
  return {
    events: total,
    ingestMs: round(ingestMs),
    framesRendered: frames,
    keyPressMedianMs: round(median(latencies)),
    keyPressP95Ms: round(p95(latencies)),
    eventLoopLagP99Ms: round(lag.percentile(99) / 1e6),
    eventLoopLagMaxMs: round(lag.max / 1e6),
    groupsAfter: store.size,
  };
}

const small = await redrawAt(10_000, 100);
globalThis.gc?.();
const large = await redrawAt(EVENTS, GROUPS);
globalThis.gc?.();
const memory = process.memoryUsage();
const groupsLoaded = large.store.size;
const mapMs = bareMapMs(EVENTS, GROUPS);
const burstResult = await burst(large.store, 10_000, 2);

const report = {
  events: EVENTS,
  groups: groupsLoaded,
  groupingMs: round(large.loadMs),
  groupingPerEventUs: round((large.loadMs / EVENTS) * 1000, 3),
  groupingVsBareMapRatio: round(large.loadMs / mapMs),
  firstFrameMs: round(large.firstFrameMs),
  keyPressMedianMs: round(median(large.latencies)),
  keyPressP95Ms: round(p95(large.latencies)),
  keyPressMedianMsAt100Groups: round(median(small.latencies)),
  keyPressRatio100kTo100Groups: round(median(large.latencies) / median(small.latencies)),
  rssMiB: mib(memory.rss),
  heapUsedMiB: mib(memory.heapUsed),
  burst10kPerSecond: burstResult,
};
mkdirSync(new URL('out/', import.meta.url), { recursive: true });
writeFileSync(new URL('out/tui.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
process.exit(0);
