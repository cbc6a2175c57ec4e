import { useEffect, useRef } from 'react';
import type { Denial } from '../src/model/denial.js';
import type { SourceLine } from '../src/sources/types.js';
import { epochNow, feedTrace } from '../src/ui/feed-trace.js';
import type { DenialGroup, GroupStore } from '../src/ui/group-store.js';
import type { SeenRecords } from '../src/ui/seen-records.js';

/**
 * Longest stretch the feed keeps the event loop, so keys and redraws wait at most this long during
 * a burst; the clock is read every CHECK_EVERY events (reading it per event would cost more).
 */
const SLICE_MS = 8;
export const CHECK_EVERY = 32;
/**
 * While only groups that were already busy change (a flood's counters ticking), redraws come this
 * long after the previous one (or `flushMs` if longer): an Ink frame costs milliseconds, and at this
 * pace, late timers and the frame's own time included, the screen still changes within the 100 ms
 * a user reads as live. News — a quiet group's event (a new group, or one untouched for the last
 * two redraws) — is shown after `flushMs`, but not sooner than NEWS_GAP_MS after the previous
 * redraw; when the previous redraw showed news too (a flood of new groups), at the busy pace.
 * Any event after a pause is shown after `flushMs`.
 */
export const BUSY_REDRAW_MS = 80;
export const NEWS_GAP_MS = 40;
/**
 * When the feed has kept the event loop more than SATURATED_SHARE of the last second (wall time: a
 * starved process counts as busy too), it is falling behind its source: busy redraws are then
 * spaced SATURATED_REDRAW_MS, leaving the frames' milliseconds to the denials still waiting.
 */
const SATURATED_SHARE = 0.5;
export const SATURATED_REDRAW_MS = 160;
/** The default `flushMs`: how long news waits for more of its burst before it is drawn. */
export const FLUSH_MS = 25;

/**
 * A source's lines a read at a time, and the synchronous step from a line to the denial to show:
 * one await per batch instead of one per denial through a chain of async generators.
 */
export interface DenialFeed {
  readonly batches: AsyncIterable<readonly SourceLine[]>;
  readonly denialOf: (line: SourceLine) => Denial | undefined;
}

/**
 * Key presses so far, counted by the UI as they arrive: the feed gives way to each one (its
 * redraw is already queued behind the feed's next slice) before adding more denials.
 */
export interface KeySignal {
  readonly presses: number;
}

/** What the UI follows: denials one by one, or a source's line batches. */
export type DenialInput = AsyncIterable<Denial> | DenialFeed;

export interface FeedCallbacks {
  /** Called with the store's revision `flushMs` after a quiet group's event, else once per `BUSY_REDRAW_MS`. */
  readonly onBatch: (revision: number) => void;
  /** Called once when the iterable ends or fails. */
  readonly onEnd: (error?: string) => void;
}

/** One denial a step, as a feed whose batches hold one item each. */
async function* singles(denials: AsyncIterable<Denial>): AsyncGenerator<readonly Denial[]> {
  for await (const denial of denials) yield [denial];
}

const itself = (denial: Denial): Denial => denial;

/** The batches to await and the synchronous step from an item to its denial. */
function stepsOf(input: DenialInput): {
  readonly iterator: AsyncIterator<readonly unknown[]>;
  readonly denialOf: (item: unknown) => Denial | undefined;
} {
  // Each pair matches (lines with the line step, denials with the identity): the items meet only their own step.
  return 'batches' in input
    ? {
        iterator: input.batches[Symbol.asyncIterator](),
        denialOf: input.denialOf as (item: unknown) => Denial | undefined,
      }
    : { iterator: singles(input), denialOf: itself as (item: unknown) => Denial | undefined };
}

/**
 * Pours denials into the store as they arrive (O(1) each) and tells the UI at most once per
 * `flushMs`, so a burst of thousands per second costs a handful of renders. With `seen`, copies
 * of records a run already added are dropped here (one async layer less per denial than
 * firstSightings). Between two batches, and within one every SLICE_MS, the event loop gets a turn.
 */
export function useDenialFeed(
  store: GroupStore,
  input: DenialInput | undefined,
  callbacks: FeedCallbacks,
  flushMs: number,
  seen?: SeenRecords,
  keys?: KeySignal,
): void {
  const latest = useRef(callbacks);
  latest.current = callbacks;
  useEffect(() => {
    if (!input) return;
    const { iterator, denialOf } = stepsOf(input);
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let dueAt = 0;
    // Groups changed since the last redraw, and in the one before: the busy ones.
    let touched = new Set<DenialGroup>();
    let touchedBefore = new Set<DenialGroup>();
    let flushedAt = Number.NEGATIVE_INFINITY;
    // News since the last redraw, and whether the last redraw showed news: news in a row is a flood.
    let news = false;
    let newsBefore = false;
    const flush = (): void => {
      timer = undefined;
      flushedAt = performance.now();
      newsBefore = news;
      news = false;
      [touchedBefore, touched] = [touched, touchedBefore];
      touched.clear();
      feedTrace?.flush(store.revision);
      if (!stopped) latest.current.onBatch(store.revision);
    };
    /** A redraw at `at` (performance.now() time), unless one is already due sooner. */
    const redrawAt = (at: number, now: number): void => {
      if (timer !== undefined) {
        if (dueAt <= at) return;
        clearTimeout(timer);
      }
      dueAt = at;
      timer = setTimeout(flush, Math.max(0, at - now));
    };
    const busyMs = Math.max(flushMs, BUSY_REDRAW_MS);
    const newsGapMs = Math.min(NEWS_GAP_MS, busyMs);
    // The feed's own time in the current second, and whether it passed SATURATED_SHARE in the last.
    let workedMs = 0;
    let windowStart = performance.now();
    let saturated = false;
    const worked = (from: number, now: number): void => {
      workedMs += now - from;
      if (now - windowStart < 1000) return;
      saturated = workedMs > SATURATED_SHARE * (now - windowStart);
      workedMs = 0;
      windowStart = now;
    };
    const pace = (): number => (saturated ? Math.max(busyMs, SATURATED_REDRAW_MS) : busyMs);
    let pressesSeen = keys?.presses ?? 0;
    /** Whether a key came since the last look: its render waits in the queue the feed yields to. */
    const keyPressed = (): boolean => {
      if (keys === undefined || keys.presses === pressesSeen) return false;
      pressesSeen = keys.presses;
      return true;
    };
    const giveWay = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
    const pump = async (): Promise<void> => {
      let sinceCheck = 0;
      let sliceStart = performance.now();
      let segmentStart = sliceStart;
      for (;;) {
        worked(segmentStart, performance.now());
        const next = await iterator.next();
        if (keyPressed()) await giveWay();
        segmentStart = performance.now();
        if (next.done || stopped) return;
        const takenAt = feedTrace ? epochNow() : 0;
        for (const item of next.value) {
          const denial = denialOf(item);
          if (denial !== undefined && (seen === undefined || seen.firstSight(denial))) {
            const group = store.add(denial, Date.now());
            feedTrace?.denial(denial, (item as Partial<SourceLine>).receivedAt, takenAt, store.revision);
            if (!touched.has(group)) {
              touched.add(group);
              // Sparse news is drawn soon; a flood of it (news in the last redraw too) at the busy pace.
              if (!touchedBefore.has(group)) {
                news = true;
                const now = performance.now();
                const soon = Math.max(now + flushMs, flushedAt + (newsBefore ? pace() : newsGapMs));
                redrawAt(soon, now);
              }
            }
            // Busy: busyMs after the previous redraw, however late this event came; after a pause, news.
            if (timer === undefined) {
              const now = performance.now();
              const every = pace();
              redrawAt(now - flushedAt < every ? flushedAt + every : now + flushMs, now);
            }
          }
          if (++sinceCheck < CHECK_EVERY) continue;
          sinceCheck = 0;
          const now = performance.now();
          if (now - sliceStart < SLICE_MS && !keyPressed()) continue;
          worked(segmentStart, now);
          await giveWay();
          // A key pressed while the feed waited is drawn before the next slice.
          if (keyPressed()) await giveWay();
          if (stopped) return;
          sliceStart = segmentStart = performance.now();
        }
      }
    };
    pump().then(
      () => {
        if (stopped) return;
        if (timer) clearTimeout(timer);
        flush();
        latest.current.onEnd();
      },
      (error: unknown) => {
        if (!stopped) latest.current.onEnd(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      void iterator.return?.();
    };
  }, [store, input, flushMs, seen, keys]);
}
