// A marker's way to the screen, stage by stage, for bench/load.mjs: the UI's own trace
// (SNAPPY_DEBUG_TRACE, src/ui/feed-trace.ts) joined with the generator's marker times and the
// journal's receive times. All times are ms since the epoch (CLOCK_REALTIME in every process).
import { execFileSync } from 'node:child_process';
import { quantile, round } from './system.mjs';

/** Writes this close together are one frame. */
const FRAME_WRITES_WITHIN_MS = 3;

/** The trace file's events: traced denials, flushes (store revision handed to React), frames written. */
export function parseTrace(text) {
  const denials = [];
  const flushes = [];
  const frames = [];
  for (const line of text.split('\n')) {
    const [kind, ...f] = line.split(' ');
    const n = (x) => (x === '-' ? undefined : Number(x));
    if (kind === 'denial')
      denials.push({
        recordedAt: n(f[0]),
        receivedAt: n(f[1]),
        takenAt: n(f[2]),
        storedAt: n(f[3]),
        revision: n(f[4]),
      });
    else if (kind === 'flush') flushes.push({ at: n(f[0]), revision: n(f[1]) });
    else if (kind === 'frame') {
      // Ink writes a frame in three writes (synchronized-update start, the frame, its end): one frame.
      const at = n(f[0]);
      const last = frames.at(-1);
      if (last && at - last.lastWriteAt < FRAME_WRITES_WITHIN_MS) {
        last.lastWriteAt = at;
        last.length += n(f[1]);
      } else frames.push({ at, lastWriteAt: at, length: n(f[1]) });
    }
  }
  return { denials, flushes, frames };
}

/**
 * journald's receive time (__REALTIME_TIMESTAMP, ms) of each kernel-log copy of process `pid`'s
 * calls of syscall `number`, by the record's audit stamp (ms since the epoch).
 */
export function journalTimesOf(pid, number, since) {
  const out = execFileSync(
    'journalctl',
    [
      '--no-pager',
      '-o',
      'json',
      '--output-fields=MESSAGE',
      `--since=@${Math.floor(since / 1000)}`,
      '_TRANSPORT=kernel',
      `--grep=pid=${pid} .* syscall=${number} `,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const times = new Map();
  for (const line of out.split('\n').filter(Boolean)) {
    const entry = JSON.parse(line);
    const stamp = /audit\((\d+)\.(\d+):/.exec(entry.MESSAGE);
    if (stamp)
      times.set(Number(stamp[1]) * 1000 + Number(stamp[2]), Number(entry.__REALTIME_TIMESTAMP) / 1000);
  }
  return times;
}

const firstIndex = (items, test) => {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(items[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
};

const summary = (xs) => ({
  samples: xs.length,
  median: round(quantile(xs, 0.5)),
  p95: round(quantile(xs, 0.95)),
  max: round(xs.length ? Math.max(...xs) : NaN),
});

/**
 * Each traced marker matched to the generator's marker of nearest time (markers are a second
 * apart), its stages in ms, and their summaries; frames written from `from` to `to` (the load)
 * and the intervals between them.
 */
export function markerStages(trace, markerTimes, journalTimes, from, to) {
  const stages = [];
  for (const d of trace.denials) {
    if (d.recordedAt === undefined) continue;
    const emittedAt = markerTimes.reduce(
      (best, t) => (Math.abs(t - d.recordedAt) < Math.abs(best - d.recordedAt) ? t : best),
      Infinity,
    );
    if (!(Math.abs(emittedAt - d.recordedAt) < 500)) continue;
    // The first flush that covered the marker, and the first frame written after it.
    const flush =
      trace.flushes[firstIndex(trace.flushes, (f) => f.at >= d.storedAt && f.revision >= d.revision)];
    const frame = flush ? trace.frames[firstIndex(trace.frames, (f) => f.at >= flush.at)] : undefined;
    const journaledAt = journalTimes.get(d.recordedAt);
    stages.push({
      emittedAt,
      kernel: d.recordedAt - emittedAt,
      journal: journaledAt === undefined ? undefined : journaledAt - emittedAt,
      readByUs: d.receivedAt - emittedAt,
      queuedInUs: d.takenAt - d.receivedAt,
      stored: d.storedAt - d.takenAt,
      untilFlush: flush ? flush.at - d.storedAt : undefined,
      untilFrame: flush && frame ? frame.at - flush.at : undefined,
      ours: frame ? frame.at - d.receivedAt : undefined,
      onScreen: frame ? frame.at - emittedAt : undefined,
    });
  }
  const of = (key) => stages.map((s) => s[key]).filter((x) => x !== undefined && Number.isFinite(x));
  const frames = trace.frames.filter((f) => f.at >= from && f.at <= to).map((f) => f.at);
  const intervals = frames.slice(1).map((at, i) => at - frames[i]);
  return {
    markers: stages.length,
    stages: Object.fromEntries(
      [
        'kernel',
        'journal',
        'readByUs',
        'queuedInUs',
        'stored',
        'untilFlush',
        'untilFrame',
        'ours',
        'onScreen',
      ].map((key) => [key, summary(of(key))]),
    ),
    framesDuringLoad: frames.length,
    frameIntervalMs: { ...summary(intervals), over100: intervals.filter((x) => x >= 100).length },
    perMarker: stages.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 2)]))),
  };
}
