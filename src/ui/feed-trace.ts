import type { Denial } from '../model/denial.js';

/**
 * Where a traced denial's time goes inside the UI (bench/load.mjs): read by the source, taken by
 * the feed, added to the store, handed to React by a flush, written to the terminal in a frame.
 * Switched on by run-tui only when SNAPPY_DEBUG_TRACE names a file; otherwise `feedTrace` stays
 * undefined and the feed pays one comparison per denial.
 */
export class FeedTrace {
  /** One line per event, in the order they happened; times in ms since the epoch, to 0.01 ms. */
  private readonly events: string[] = [];

  /** Traces denials of this syscall number (the load bench's marker). */
  constructor(readonly syscall: number) {}

  /** `receivedAt`: when the source read the line; `takenAt`: when the feed took its batch. */
  denial(denial: Denial, receivedAt: number | undefined, takenAt: number, revision: number): void {
    if (denial.syscall?.number !== this.syscall) return;
    const stamp = denial.auditStamp;
    const recordedAt = stamp ? stamp.seconds * 1000 + stamp.millis : '-';
    this.events.push(
      `denial ${recordedAt} ${receivedAt ?? '-'} ${fixed(takenAt)} ${fixed(epochNow())} ${revision}`,
    );
  }

  /** The feed told React about everything up to `revision`. */
  flush(revision: number): void {
    this.events.push(`flush ${fixed(epochNow())} ${revision}`);
  }

  /** Ink wrote a frame of `length` characters. */
  frame(length: number): void {
    this.events.push(`frame ${fixed(epochNow())} ${length}`);
  }

  /** The events since the last call, as text lines, and forgets them. */
  take(): string {
    const text = this.events.map((event) => `${event}\n`).join('');
    this.events.length = 0;
    return text;
  }
}

/** Date.now() with the sub-millisecond part of the monotonic clock. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

const fixed = (ms: number): string => ms.toFixed(2);

/** The trace of this process, when one was asked for. */
export let feedTrace: FeedTrace | undefined;

export function setFeedTrace(trace: FeedTrace | undefined): void {
  feedTrace = trace;
}
