import type { LogSource, SourceGap, SourceLine, SourceOptions } from '../../../src/sources/types.js';

export interface Follower {
  /** Every line received so far. */
  readonly lines: SourceLine[];
  readonly gaps: SourceGap[];
  /** Resolves once the source says it is positioned. */
  readonly ready: Promise<void>;
  /** Waits until `predicate` holds for the received lines, or fails after `timeoutMs`. */
  waitFor(predicate: (lines: readonly SourceLine[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Aborts the source and waits for its iterator to end. */
  stop(): Promise<void>;
  /** Resolves when the iterator ends by itself (non-follow mode); rejects with its error. */
  readonly done: Promise<void>;
}

/** Starts consuming `source` in the background, keeping what it yields. */
export function follow(
  source: LogSource,
  options: Omit<SourceOptions, 'signal' | 'onGap' | 'onReady'> = {},
): Follower {
  const abort = new AbortController();
  const lines: SourceLine[] = [];
  const gaps: SourceGap[] = [];
  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = (async () => {
    for await (const line of source.lines({
      ...options,
      signal: abort.signal,
      onGap: (gap) => gaps.push(gap),
      onReady: () => markReady(),
    })) {
      lines.push(line);
    }
    markReady();
  })();
  done.catch(() => markReady());
  return {
    lines,
    gaps,
    ready,
    done,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(lines)) {
        if (Date.now() > deadline) {
          throw new Error(`timed out after ${timeoutMs} ms with ${lines.length} lines from ${source.name}`);
        }
        await Promise.race([
          done.then(() => new Promise((r) => setTimeout(r, 20))),
          new Promise((r) => setTimeout(r, 20)),
        ]);
      }
    },
    async stop() {
      abort.abort();
      await done;
    },
  };
}
