/**
 * The suggestion thread's entry (see suggestion-thread.ts): loads the rules the way the main
 * thread would and answers each batch of denials with their suggestions, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Denial, Suggestion } from '../model/denial.js';
import { loadRules, suggest } from '../suggest/index.js';
import type { SuggestionAnswers, SuggestionRequests, SuggestionThreadData } from './suggestion-protocol.js';

/** Answers go back in groups this large (or at the end of a request): few messages, early answers. */
const GROUP = 32;

const port = parentPort;
if (port === null) throw new Error('suggest-worker: cannot run outside a worker thread');
const { rulesDir, cacheDir } = workerData as SuggestionThreadData;
const rules = loadRules(rulesDir, { cacheDir });

port.on('message', ({ ids, denials }: SuggestionRequests) => {
  let groupIds: number[] = [];
  let groupSuggestions: Suggestion[][] = [];
  for (let i = 0; i < ids.length; i++) {
    groupIds.push(ids[i]!);
    groupSuggestions.push(suggest(denials[i] as Denial, rules));
    if (groupIds.length >= GROUP || i === ids.length - 1) {
      const answers: SuggestionAnswers = { ids: groupIds, suggestions: groupSuggestions };
      port.postMessage(answers);
      groupIds = [];
      groupSuggestions = [];
    }
  }
});
