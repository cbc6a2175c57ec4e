import { abortableDelay } from './abortable-delay.js';
import type { NativeSelection } from './journal-args.js';
import { JournalBatchFilter } from './journal-batch.js';
import { JOURNAL_FIELDS } from './journal-entry.js';
import { nativeJournalEvents, type JournalAddon } from './journal-native.js';
import type { SourceLine, SourceOptions } from './types.js';

const MAX_FAILED_STARTS = 5;
const RESTART_DELAY_MS = 200;
/**
 * The reader looks for new entries every `pollMs` for `busyForMs` after the last one it read,
 * then every `idlePollMs`: each look is a thread wake-up, ~80 us of CPU on this VM (100 a second
 * cost ~8 ms of CPU a second; 10 a second, ~1 ms). journalctl --follow waits for journald's
 * change notice instead, up to 250 ms.
 */
export const JOURNAL_POLL = { pollMs: 10, busyForMs: 2000, idlePollMs: 100 } as const;

/**
 * The journal read by the native reader (sd-journal on its own thread), the same lines as
 * journalctlBatches. If the reader fails while following, it is started again after the last
 * cursor seen: no line lost, none repeated. A failure before the first start is ready (the
 * journal cannot be opened) is thrown at once.
 */
export async function* nativeJournalBatches(
  addon: JournalAddon,
  selection: NativeSelection,
  options: SourceOptions,
  poll: { readonly pollMs: number; readonly busyForMs: number; readonly idlePollMs: number } = JOURNAL_POLL,
): AsyncGenerator<SourceLine[]> {
  const follow = options.follow ?? true;
  const signal = options.signal;
  const filter = new JournalBatchFilter(undefined, options.onGap);
  let ready = false;
  let failedStarts = 0;
  while (!signal?.aborted) {
    const events = nativeJournalEvents(
      addon,
      {
        fields: JOURNAL_FIELDS,
        matches: selection.matches,
        ...(selection.directory !== undefined ? { directory: selection.directory } : {}),
        ...(filter.cursor !== undefined ? { after: filter.cursor } : {}),
        start: options.all || ready ? 'head' : 'tail',
        follow,
        ...poll,
      },
      signal,
    );
    let failure: string | undefined;
    let delivered = 0;
    for await (const event of events) {
      if (event.kind === 'ready') {
        if (!ready) {
          ready = true;
          filter.cursor ??= event.cursor;
          options.onReady?.();
        }
      } else if (event.kind === 'lines') {
        const kept = filter.keep(event.lines, Date.now());
        delivered += kept.length;
        if (kept.length > 0) yield kept;
      } else {
        failure = event.message;
      }
    }
    if (failure === undefined || signal?.aborted) return;
    if (!ready || !follow) throw new Error(`cannot follow journald: ${failure}`);
    failedStarts = delivered > 0 ? 0 : failedStarts + 1;
    if (failedStarts >= MAX_FAILED_STARTS) throw new Error(`cannot follow journald: ${failure}`);
    await abortableDelay(RESTART_DELAY_MS, signal);
  }
}
