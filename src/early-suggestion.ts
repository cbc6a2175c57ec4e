/**
 * A batch replay's suggestion thread started by the bin entry (main.ts) as soon as it runs, on a
 * first look at its arguments (early-replay-args.ts), instead of once cli.ts and scanlog's
 * modules have loaded: its process then starts answering that much sooner. scanlog takes it when
 * its own parse asks for a replay of the same file; main.ts closes it when nothing took it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { earlyReplayFile } from './early-replay-args.js';
import { packageRoot } from './paths.js';
import type { SuggestionThread } from './scan/suggestion-thread.js';

/**
 * scan/replay-suggestion-thread.ts as `npm run build` bundles it (scripts/bundle.mjs): CommonJS,
 * so that it is required at once instead of imported through the ES module loader's round trips.
 */
export const EARLY_THREAD_BUNDLE = join('dist', 'src', 'suggest', 'replay-suggestion-thread.cjs');

type StartThread = (file: string) => SuggestionThread | undefined;

/** The thread's start from the build's bundle; else tsc's module (a build without bundles). */
function startThread(file: string): Promise<SuggestionThread | undefined> {
  const bundle = join(packageRoot(), EARLY_THREAD_BUNDLE);
  if (existsSync(bundle)) {
    const start = (createRequire(import.meta.url)(bundle) as { startReplaySuggestionThread: StartThread })
      .startReplaySuggestionThread;
    return Promise.resolve(start(file));
  }
  return import('./scan/replay-suggestion-thread.js').then(({ startReplaySuggestionThread }) =>
    startReplaySuggestionThread(file),
  );
}

interface EarlyThread {
  readonly file: string;
  readonly thread: Promise<SuggestionThread | undefined>;
  taken: boolean;
}

let early: EarlyThread | undefined;

/** Starts the suggestion thread when `argv` (the program's arguments) asks for a batch replay. */
export function startSuggestionThreadEarly(argv: readonly string[]): void {
  const file = earlyReplayFile(argv, {
    stdout: process.stdout.isTTY === true,
    stdin: () => process.stdin.isTTY === true,
  });
  if (file === undefined) return;
  let thread: Promise<SuggestionThread | undefined>;
  try {
    // Whatever fails here, the command starts one the usual way.
    thread = startThread(file).catch(() => undefined);
  } catch {
    thread = Promise.resolve(undefined);
  }
  early = { file, thread, taken: false };
}

/**
 * The suggestion thread started early for a replay of `file`, once (its owner closes it); undefined
 * when none was started for it. The promise's undefined: the file does not need one.
 */
export function takeEarlySuggestionThread(file: string): Promise<SuggestionThread | undefined> | undefined {
  if (early === undefined || early.taken || early.file !== file) return undefined;
  early.taken = true;
  return early.thread;
}

/** Closes the suggestion thread started early when the command did not take it (help, bad usage). */
export async function closeUntakenSuggestionThread(): Promise<void> {
  if (early === undefined || early.taken) return;
  early.taken = true;
  await (await early.thread)?.close();
}
