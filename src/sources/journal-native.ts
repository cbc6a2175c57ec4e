import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/** Where the native reader starts: after a cursor, at the journal's tail, or at its head. */
export interface NativeJournalOptions {
  /** The fields each line holds (besides __CURSOR, the timestamps and _BOOT_ID, always there). */
  readonly fields: readonly string[];
  /** FIELD=VALUE matches, combined as journalctl combines them. */
  readonly matches: readonly string[];
  /** Read this journal directory instead of the system's journal. */
  readonly directory?: string;
  /** Start after this entry (when set, `start` is ignored). */
  readonly after?: string;
  /** 'tail': only entries written after the reader is ready; 'head': everything. */
  readonly start: 'tail' | 'head';
  readonly follow: boolean;
  /** How often the reader looks for new entries for `busyForMs` after the last one it read. */
  readonly pollMs: number;
  /** How often it looks after that (inotify on a new or rotated file wakes it earlier). */
  readonly idlePollMs: number;
  readonly busyForMs: number;
}

type EventKind = 'ready' | 'lines' | 'error' | 'end';

interface NativeReader {
  /** The last batch handed over is consumed: the thread may hand over another. */
  ack(): void;
  stop(): void;
}

export interface JournalAddon {
  readonly JournalReader: new (
    options: NativeJournalOptions,
    onEvent: (kind: EventKind, value: string | undefined) => void,
  ) => NativeReader;
}

/** What the native reader hands over, in order. */
export type NativeJournalEvent =
  | { readonly kind: 'ready'; readonly cursor?: string }
  | { readonly kind: 'lines'; readonly lines: string[] }
  | { readonly kind: 'error'; readonly message: string };

let loaded: JournalAddon | null | undefined;

/**
 * The journal reader addon (native/build/journal.node, built by `npm run build:native`), or
 * null when it is not built or SNAPPY_DEBUG_JOURNAL_READER=journalctl asks for journalctl.
 */
export function journalAddon(): JournalAddon | null {
  if (loaded !== undefined) return loaded;
  const path = join(packageRoot(), 'native', 'build', 'journal.node');
  loaded =
    process.env.SNAPPY_DEBUG_JOURNAL_READER === 'journalctl' || !existsSync(path)
      ? null
      : (createRequire(import.meta.url)(path) as JournalAddon);
  return loaded;
}

/**
 * The native reader's events until it ends (the journal's end without follow, an error, or
 * `signal`). A batch of lines is acknowledged when the consumer asks for the next event, so the
 * reader thread never runs more than two batches ahead of it.
 */
export async function* nativeJournalEvents(
  addon: JournalAddon,
  options: NativeJournalOptions,
  signal?: AbortSignal,
): AsyncGenerator<NativeJournalEvent> {
  const queue: NativeJournalEvent[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const reader = new addon.JournalReader(options, (kind, value) => {
    if (kind === 'end') ended = true;
    else if (kind === 'lines') queue.push({ kind, lines: (value ?? '').split('\n') });
    else if (kind === 'ready') queue.push(value === undefined ? { kind } : { kind, cursor: value });
    else queue.push({ kind, message: value ?? 'unknown error' });
    wake?.();
  });
  const onAbort = (): void => reader.stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) reader.stop();
  try {
    for (;;) {
      const event = queue.shift();
      if (event === undefined) {
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      yield event;
      if (event.kind === 'lines') reader.ack();
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.stop();
  }
}
