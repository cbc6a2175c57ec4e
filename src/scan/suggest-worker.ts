/**
 * The suggestion thread's engine (see suggestion-thread.ts): loads the rules the way the main
 * thread would and answers each batch of denials with their suggestions, in order. Started in a
 * worker thread it serves its parent port at once; loaded anywhere else it only exports, so
 * that the build can run it on sample denials before writing its V8 code cache.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Denial, Suggestion } from '../model/denial.js';
import { loadRules } from '../suggest/index.js';
import { PidSharingSuggester } from '../suggest/pid-sharing.js';
import type { SuggestionAnswers, SuggestionRequests, SuggestionThreadData } from './suggestion-protocol.js';

/** Answers go back in groups this large (or at the end of a request): few messages, early answers. */
const GROUP = 32;

/** Suggests for one request, handing each group of answers to `post` as soon as it is made. */
export function answer(
  { ids, denials }: SuggestionRequests,
  suggester: PidSharingSuggester,
  post: (answers: SuggestionAnswers) => void,
): void {
  let groupIds: number[] = [];
  let groupSuggestions: Suggestion[][] = [];
  for (let i = 0; i < ids.length; i++) {
    groupIds.push(ids[i]!);
    groupSuggestions.push(suggester.suggest(denials[i] as Denial));
    if (groupIds.length >= GROUP || i === ids.length - 1) {
      post({ ids: groupIds, suggestions: groupSuggestions });
      groupIds = [];
      groupSuggestions = [];
    }
  }
}

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
