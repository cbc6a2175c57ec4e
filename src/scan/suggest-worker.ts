/**
 * The suggestion thread's engine (see suggestion-thread.ts): loads the rules the way the main
 * thread would and answers each batch of denials with their suggestions, in order. Started in a
 * worker thread it serves its parent port at once; loaded anywhere else it only exports, so
 * that the build can run it on sample denials before writing its V8 code cache, and make a V8
 * startup snapshot of it for the suggestion process (buildSuggestSnapshot).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadRules } from '../suggest/index.js';
import { PidSharingSuggester } from '../suggest/pid-sharing.js';
import { answer, type SuggestionRequests, type SuggestionThreadData } from './suggestion-protocol.js';

export { answer } from './suggestion-protocol.js';
export { buildSuggestSnapshot } from './suggestion-process-child.js';

/**
 * The rules as the thread loads them, with the engine that shares work between denials of
 * different processes' /proc/PID/ files (the same call the build's warm-up makes).
 */
export function threadSuggester({ rulesDir, cacheDir }: SuggestionThreadData): PidSharingSuggester {
  return new PidSharingSuggester(loadRules(rulesDir, { cacheDir }));
}

if (parentPort !== null) {
  const port = parentPort;
  const suggester = threadSuggester(workerData as SuggestionThreadData);
  port.on('message', (requests: SuggestionRequests) =>
    answer(requests, suggester, (answers) => port.postMessage(answers)),
  );
}
