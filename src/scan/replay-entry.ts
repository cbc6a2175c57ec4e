/**
 * The bulk replay as `npm run build` makes it (scripts/bundle.mjs points scanlog-run.ts's import
 * of replay-run.ts here): replay-run.ts bundled as CommonJS, loaded through the V8 code cache the
 * build warmed (launch/code-cache.ts), so that its functions are deserialised compiled instead of
 * compiled on first call. Without the bundle, the ES module; a stale or refused cache compiles.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommandIO } from '../commands/types.js';
import { loadCachedBundle } from '../launch/code-cache.js';
import type { ReplayArgs } from './replay-run.js';
import type { SuggestionThread } from './suggestion-thread.js';

/** scripts/bundle.mjs's names, beside this module's chunk. */
export const REPLAY_BUNDLE = 'scanlog-replay.cjs';
export const REPLAY_CODE_CACHE = 'scanlog-replay.cache';

type RunReplay = (args: ReplayArgs, io: CommandIO, thread: SuggestionThread) => Promise<number>;

export async function runReplay(args: ReplayArgs, io: CommandIO, thread: SuggestionThread): Promise<number> {
  const bundlePath = fileURLToPath(new URL(`./${REPLAY_BUNDLE}`, import.meta.url));
  const run = existsSync(bundlePath)
    ? (loadCachedBundle({
        bundlePath,
        cachePath: fileURLToPath(new URL(`./${REPLAY_CODE_CACHE}`, import.meta.url)),
      }).exports['runReplay'] as RunReplay)
    : (await import('./replay-run.js')).runReplay;
  return run(args, io, thread);
}
