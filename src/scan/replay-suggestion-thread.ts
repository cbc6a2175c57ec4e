import { statSync } from 'node:fs';
import { rulesCacheDir, rulesDir } from '../paths.js';
import { tuneForBatchReplay } from './batch-tuning.js';
import { startSuggestionThread, type SuggestionThread } from './suggestion-thread.js';

/** The size of the file at `path`, 0 when it cannot be read (reading it reports why). */
function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Makes this process ready for a batch replay of `file` (V8 tuned for it) and starts its
 * suggestion thread, when the file is large enough for one (suggestion-thread.ts).
 */
export function startReplaySuggestionThread(file: string): SuggestionThread | undefined {
  tuneForBatchReplay();
  return startSuggestionThread({ rulesDir: rulesDir(), cacheDir: rulesCacheDir() }, fileBytes(file));
}
