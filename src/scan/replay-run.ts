/**
 * scanlog's bulk replay: a plain saved file printed (not shown in the UI) with its suggestions
 * made by a suggestion thread. The one batch job, so `npm run build` also bundles this module on
 * its own as CommonJS with a V8 code cache (scripts/bundle.mjs, scan/replay-entry.ts): it must
 * not import what a replay does not run (the UI, live sources, the suggestion engine).
 */
import type { CommandIO } from '../commands/types.js';
import { printDenials } from '../output/print-denials.js';
import { DENIAL_MARKERS } from '../parse/index.js';
import { scanCandidates } from '../sources/candidate-scan.js';
import type { DenialFilter } from './filter.js';
import { RepeatTemplates } from './repeat-lane.js';
import { announced, prepareSystem } from './scanlog-system.js';
import { formatScanStats, newScanStats } from './stats.js';
import type { SuggestionThread } from './suggestion-thread.js';
import { denialBatchesThreaded } from './threaded-pipeline.js';

/** What a bulk replay needs from scanlog's command line. */
export interface ReplayArgs {
  readonly file: string;
  readonly snap?: string;
  readonly json: boolean;
  readonly includeUnconfined: boolean;
  readonly keepRatelimit: boolean;
}

/** Prints the denials of `args.file` to `io` with `thread`'s suggestions (closed here); the exit status. */
export async function runReplay(args: ReplayArgs, io: CommandIO, thread: SuggestionThread): Promise<number> {
  const filter: DenialFilter = {
    ...(args.snap !== undefined ? { snap: args.snap } : {}),
    includeUnconfined: args.includeUnconfined,
  };
  const stats = newScanStats();
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const restore = await prepareSystem(args.keepRatelimit, 'file', io);
  try {
    const onReady = (): void => {
      io.stderr.write(`INFO: reading ${args.file}\n`);
    };
    // JSON lines of repeats are made from their keys' templates, by the native scan once it has them.
    const templates = args.json ? new RepeatTemplates() : undefined;
    const stream = denialBatchesThreaded(
      announced(
        scanCandidates(args.file, DENIAL_MARKERS, {
          signal: abort.signal,
          keyed: templates !== undefined,
          templates: () => templates?.takeForScan(),
        }),
        onReady,
      ),
      { filter, stats, thread, ...(templates ? { jsonRepeats: templates } : {}) },
    );
    await printDenials(stream, args.json, io, true);
    io.stderr.write(`${formatScanStats(stats)}\n`);
    return 0;
  } finally {
    abort.abort();
    await thread.close();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await restore();
  }
}
