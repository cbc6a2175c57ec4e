import type { Denial, Suggestion } from '../model/denial.js';
import { repeatOf } from '../parse/build-cache.js';
import type { CandidateBatch } from '../sources/candidate-scan.js';
import { accessKey, CACHE_LIMIT, Enricher } from './enrich.js';
import type { DenialFilter } from './filter.js';
import { denialOf } from './pipeline.js';
import type { ScanStats } from './stats.js';
import type { SuggestionSlot, SuggestionThread } from './suggestion-thread.js';

export interface ThreadedPipelineOptions {
  readonly filter: DenialFilter;
  readonly stats: ScanStats;
  readonly thread: SuggestionThread;
  /** Tests only: a smaller bound than MAX_WAITING. */
  readonly maxWaiting?: number;
}

/**
 * Denials waiting for their suggestions before at most this many: beyond it, parsing waits
 * for the thread (a file whose every denial is new must not be held in memory whole).
 */
const MAX_WAITING = 8192;

/**
 * denialsFromBatches with the suggestions made on the suggestion thread: the same denials with
 * the same suggestions, in the same order, handed over in batches (one await per batch, not per
 * denial). Each access (accessKey) is sent once, as the first denial that has it (the one the
 * in-thread enricher suggests for); the main thread goes on parsing and hands each denial over
 * once its access is answered.
 */
export async function* denialBatchesThreaded(
  batches: AsyncIterable<CandidateBatch>,
  options: ThreadedPipelineOptions,
): AsyncGenerator<readonly Denial[]> {
  const { thread, stats, maxWaiting = MAX_WAITING } = options;
  const pipeline = { filter: options.filter, stats, enricher: new Enricher() };
  const slots = new Map<string, SuggestionSlot>();
  /** The same by the parser's remembered build (see repeatOf): no key to make for a repeat. */
  const byRepeat = new WeakMap<object, SuggestionSlot>();
  let denials: Denial[] = [];
  let waiting: SuggestionSlot[] = [];
  let head = 0;
  try {
    for await (const { lines, skipped } of batches) {
      stats.lines += skipped;
      for (const line of lines) {
        const denial = denialOf(line, 'file', pipeline);
        if (denial === undefined) continue;
        const repeat = repeatOf(denial);
        let slot = repeat === undefined ? undefined : byRepeat.get(repeat);
        if (slot === undefined) {
          const key = accessKey(denial);
          slot = slots.get(key);
          if (slot === undefined) {
            if (slots.size >= CACHE_LIMIT) slots.clear();
            slots.set(key, (slot = {}));
            thread.request(denial, slot);
          }
          if (repeat !== undefined) byRepeat.set(repeat, slot);
        }
        denials.push(denial);
        waiting.push(slot);
      }
      thread.send();
      let ready: Denial[] = [];
      for (; head < denials.length; head++) {
        let suggestions = waiting[head]!.suggestions;
        if (suggestions === undefined) {
          if (denials.length - head <= maxWaiting) break;
          if (ready.length > 0) yield ready;
          ready = [];
          suggestions = await thread.until(waiting[head]!);
        }
        ready.push(withSuggestions(denials[head]!, suggestions));
      }
      if (ready.length > 0) yield ready;
      if (head > 4096 && head * 2 > denials.length) {
        denials = denials.slice(head);
        waiting = waiting.slice(head);
        head = 0;
      }
    }
    let ready: Denial[] = [];
    for (; head < denials.length; head++) {
      let suggestions = waiting[head]!.suggestions;
      if (suggestions === undefined) {
        if (ready.length > 0) yield ready;
        ready = [];
        suggestions = await thread.until(waiting[head]!);
      }
      ready.push(withSuggestions(denials[head]!, suggestions));
    }
    if (ready.length > 0) yield ready;
  } finally {
    await thread.close();
  }
}

function withSuggestions(denial: Denial, suggestions: readonly Suggestion[]): Denial {
  (denial as { suggestions?: readonly Suggestion[] }).suggestions = suggestions;
  return denial;
}
