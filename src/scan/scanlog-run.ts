/**
 * scanlog once its command line is checked (commands/scanlog.ts), loaded after a replay's
 * suggestion thread is started: a bulk replay (replay-run.ts, which a build loads from its own
 * bundle through V8's code cache: see replay-entry.ts) or any other scan (scanlog-follow.ts).
 */
import type { ScanArgs } from '../commands/scanlog.js';
import { replayFileOf, wantsUi } from '../commands/scanlog.js';
import type { CommandIO } from '../commands/types.js';
import type { SuggestionThread } from './suggestion-thread.js';

/**
 * The scan `args` ask for, shown or printed to `io`; `thread` is a saved file's suggestion thread
 * when commands/scanlog.ts started one (closed here).
 */
export async function runScanlog(
  args: ScanArgs,
  io: CommandIO,
  thread: SuggestionThread | undefined,
): Promise<number> {
  const file = replayFileOf(args);
  if (thread !== undefined && file !== undefined && !wantsUi(args, io)) {
    const { runReplay } = await import('./replay-run.js');
    return runReplay(
      {
        file,
        ...(args.snap !== undefined ? { snap: args.snap } : {}),
        json: args.json,
        includeUnconfined: args.includeUnconfined,
        keepRatelimit: args.keepRatelimit,
      },
      io,
      thread,
    );
  }
  const { runScanlogFollowing } = await import('./scanlog-follow.js');
  return runScanlogFollowing(args, io, thread);
}
