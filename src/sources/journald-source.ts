import { nativeSelectionOf } from './journal-args.js';
import { journalctlBatches } from './journal-journalctl.js';
import { journalAddon } from './journal-native.js';
import { nativeJournalBatches } from './journal-native-batches.js';
import type { BatchedLogSource, SourceLine, SourceOptions } from './types.js';

export { mayHoldLossNotice } from './journal-batch.js';

export interface JournaldOptions {
  /** Read through this journalctl (never the native reader). */
  readonly journalctl?: string;
  /** Extra journalctl arguments, e.g. ['--directory', DIR] or matches. */
  readonly extraArgs?: readonly string[];
}

export type { BatchedLogSource } from './types.js';

/**
 * journald, as the JSON lines `journalctl --output=json` prints, from one of two readers:
 *  - native (native/build/journal.node): reads the journal files itself on a thread of its own
 *    and sees an entry within milliseconds of journald writing it. Used when the addon is built,
 *    no journalctl is given, the extra arguments are a directory and matches only, and
 *    SNAPPY_DEBUG_JOURNAL_READER is not `journalctl`.
 *  - `journalctl --follow`, otherwise. journald wakes its followers at most every 250 ms.
 * Either way: new entries only by default (positioned at the tail before onReady), resumed after
 * the last cursor if the reader dies (nothing lost, nothing repeated), the two copies of one
 * audit record (audit and kernel transports) delivered once, loss notices reported as gaps.
 */
export function journaldSource(opts: JournaldOptions = {}): BatchedLogSource {
  const extraArgs = opts.extraArgs ?? [];
  const addon = opts.journalctl === undefined ? journalAddon() : null;
  const selection = addon ? nativeSelectionOf(extraArgs) : undefined;
  const lineBatches = (options: SourceOptions): AsyncGenerator<SourceLine[]> =>
    addon && selection
      ? nativeJournalBatches(addon, selection, options)
      : journalctlBatches(opts.journalctl ?? 'journalctl', extraArgs, options);
  return {
    name: 'journald',
    description: addon && selection ? 'journald (sd-journal --follow)' : 'journald (journalctl --follow)',
    lineBatches,
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      for await (const batch of lineBatches(options)) yield* batch;
    },
  };
}
