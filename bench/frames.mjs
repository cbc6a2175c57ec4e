#!/usr/bin/env node
// What a frame costs and what it shows: mounts the real App (built in dist/) on the TUI bench's
// store (bench/tui.mjs's log lines, parsed), plays a fixed script of key presses and records every
// frame Ink writes into a 100x30 in-memory terminal.
//   --out FILE       writes the frames (each followed by a form feed) to FILE; their sha256 is printed,
//                    so two builds (or two node_modules) can be compared byte for byte
// Then presses 'j' 60 times (100 ms apart) under V8's sampling heap profiler, counting objects
// that minor and major GCs collected too: bytes allocated per 60 presses, the functions that
// allocated most, and CPU time per press; figures go to bench/out/frames.json (not with --out).
// Frames are in colour (FORCE_COLOR=3 unless set), as in a terminal.
// Usage: node bench/frames.mjs [--events N] [--groups N] [--out FILE]
// Run it from the checkout whose node_modules should render (ink resolves from here); BENCH_DIST
// points at another dist/ built against the same node_modules.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { Keyboard } from './ink-keyboard.mjs';
import { BASE_SECONDS, line } from './tui-lines.mjs';

process.env.NODE_ENV ??= 'production';
process.env.FORCE_COLOR ??= '3';
const { createElement } = await import('react');
const dist = new URL(process.env.BENCH_DIST ?? '../dist/', import.meta.url);
const { render } = await import('ink');
const { App } = await import(new URL('components/App.js', dist).href);
const { GroupStore } = await import(new URL('src/ui/group-store.js', dist).href);
const { MAX_FPS = 30 } = await import(new URL('src/ui/run-tui.js', dist).href);
const { parseLine } = await import(new URL('src/parse/index.js', dist).href);

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    groups: { type: 'string', default: '100000' },
    out: { type: 'string' },
  },
});
const EVENTS = Number(values.events);
const GROUPS = Number(values.groups);

class Terminal extends EventEmitter {
  columns = 100;
  rows = 30;
  isTTY = false;
  frames = [];
  write = (frame) => {
    this.frames.push(frame);
    this.emit('frame');
    return true;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Presses `key`, then waits for its frame (or `quietMs` without one: not every key redraws). */
async function press(terminal, keyboard, key, quietMs = 250) {
  let framed = false;
  const frame = new Promise((resolve) =>
    terminal.once('frame', () => {
      framed = true;
      resolve();
    }),
  );
  keyboard.press(key);
  await Promise.race([frame, sleep(quietMs)]);
  // Let a frame drawn by an effect the key started (a second render) land before the next key.
  await sleep(framed ? 60 : 0);
}

const DOWN = '\x1b[B';
const PAGE_DOWN = '\x1b[6~';
const SCRIPT = [
  ...'jjjjjjjjjj',
  DOWN,
  PAGE_DOWN,
  ...'kkk',
  'G',
  'g',
  ...'sss',
  '1',
  '1',
  '2',
  '2',
  '3',
  '3',
  'x',
  'j',
  'x',
  '\r',
  ...'jjj',
  '\x1b',
  '\t',
  ...'jj',
  '\t',
  '?',
  '?',
  '/',
  ...'snap1',
  '\r',
  ...'jj',
  '\x1b',
  ...'jjjj',
];

const store = new GroupStore();
for (let i = 0; i < EVENTS; i++) {
  const result = parseLine(line(i % GROUPS, BASE_SECONDS + Math.floor(i / 1000), i), 'file');
  if (result.kind !== 'denial') throw new Error(`bench line not parsed at event ${i}`);
  store.add(result.denial, 0);
}

const terminal = new Terminal();
const keyboard = new Keyboard();
const firstFrame = new Promise((resolve) => terminal.once('frame', resolve));
const instance = render(
  createElement(App, {
    store,
    sourceDescription: 'bench',
    stats: () => ({ lines: store.events, unparsed: 0, gaps: 0 }),
    colour: true,
    writeReport: async () => '/dev/null',
    size: { columns: terminal.columns, rows: terminal.rows },
  }),
  { stdout: terminal, stdin: keyboard, exitOnCtrlC: false, patchConsole: false, maxFps: MAX_FPS },
);
await firstFrame;
await sleep(300);
for (const key of SCRIPT) await press(terminal, keyboard, key);
const scripted = terminal.frames.join('\f');
const sha256 = createHash('sha256').update(scripted).digest('hex');
if (values.out) writeFileSync(values.out, scripted);
console.log(`frames: ${terminal.frames.length} for ${SCRIPT.length} keys, sha256 ${sha256}`);

{
  for (let i = 0; i < 5; i++) await press(terminal, keyboard, 'j');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const framesBefore = terminal.frames.length;
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < 60; i++) {
    await sleep(100);
    await press(terminal, keyboard, 'j', 1000);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  const byFunction = new Map();
  let total = 0;
  const walk = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.split('/node_modules/').at(-1)}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  const frames = terminal.frames.length - framesBefore;
  const mb = (bytes) => (bytes / 1e6).toFixed(1);
  console.log(
    `60 presses: ${frames} frames, ${mb(total)} MB allocated (sampled), ` +
      `CPU ${((cpu.user + cpu.system) / 1000 / 60).toFixed(2)} ms per press (user+sys)`,
  );
  const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 12);
  for (const [name, bytes] of top) console.log(`  ${mb(bytes).padStart(7)} MB  ${name}`);
  if (!values.out) {
    const report = {
      events: EVENTS,
      groups: store.size,
      scriptedKeys: SCRIPT.length,
      scriptedFrames: terminal.frames.length,
      framesSha256: sha256,
      presses: 60,
      framesWhilePressing: frames,
      allocatedMBPer60Presses: Number(mb(total)),
      allocatedKBPerFrame: Math.round(total / frames / 1e3),
      cpuMsPerPress: Number(((cpu.user + cpu.system) / 1000 / 60).toFixed(2)),
      topAllocatorsMB: Object.fromEntries(top.map(([name, bytes]) => [name, Number(mb(bytes))])),
    };
    mkdirSync(new URL('out/', import.meta.url), { recursive: true });
    writeFileSync(new URL('out/frames.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  }
}
instance.unmount();
process.exit(0);
