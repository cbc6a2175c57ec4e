import { useEffect, useRef } from 'react';
import type { Denial } from '../src/model/denial.js';
import type { GroupStore } from '../src/ui/group-store.js';
import type { SeenRecords } from '../src/ui/seen-records.js';

/**
 * Longest stretch the feed keeps the event loop, so keys and redraws wait at most this long during
 * a burst; the clock is read every CHECK_EVERY events (reading it per event would cost more).
 */
const SLICE_MS = 8;
const CHECK_EVERY = 32;

export interface FeedCallbacks {
  /** Called at most once per `flushMs` with the store's revision. */
  readonly onBatch: (revision: number) => void;
  /** Called once when the iterable ends or fails. */
  readonly onEnd: (error?: string) => void;
}

/**
 * Pours denials into the store as they arrive (O(1) each) and tells the UI at most once per
 * `flushMs`, so a burst of thousands per second costs a handful of renders. With `seen`, copies
 * of records a run already added are dropped here (one async layer less per denial than
 * firstSightings).
 */
export function useDenialFeed(
  store: GroupStore,
  denials: AsyncIterable<Denial> | undefined,
  callbacks: FeedCallbacks,
  flushMs: number,
  seen?: SeenRecords,
): void {
  const latest = useRef(callbacks);
  latest.current = callbacks;
  useEffect(() => {
    if (!denials) return;
    const iterator = denials[Symbol.asyncIterator]();
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      timer = undefined;
      if (!stopped) latest.current.onBatch(store.revision);
    };
    const pump = async (): Promise<void> => {
      let sinceCheck = 0;
      let sliceStart = performance.now();
      for (;;) {
        const next = await iterator.next();
        if (next.done || stopped) return;
        if (seen === undefined || seen.firstSight(next.value)) {
          store.add(next.value, Date.now());
          timer ??= setTimeout(flush, flushMs);
        }
        if (++sinceCheck < CHECK_EVERY) continue;
        sinceCheck = 0;
        const now = performance.now();
        if (now - sliceStart < SLICE_MS) continue;
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
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
  }, [store, denials, flushMs, seen]);
}
