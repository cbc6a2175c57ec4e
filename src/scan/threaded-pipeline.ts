import type { Denial, Suggestion } from '../model/denial.js';
import { repeatOf } from '../parse/build-cache.js';
import { creditRepeats, parseLineWithBasis } from '../parse/index.js';
import type { CandidateBatch } from '../sources/candidate-scan.js';
import { matchesFilter, type DenialFilter } from './filter.js';
import { denialOf } from './pipeline.js';
import {
  agrees,
  FACTS_PER_LINE,
  FILTERED_OUT,
  RENDERED,
  RENDERED_HEAD,
  RenderedHead,
  RenderedRun,
  ChunkEnd,
  suggestionsTailBytes,
  type RepeatTemplates,
  shownTemplate,
  viewOf,
} from './repeat-lane.js';
import { accessKey, CACHE_LIMIT, SyscallNamer } from './replay-enrich.js';
import type { ScanStats } from './stats.js';
import type { SuggestionSlot, SuggestionThread } from './suggestion-thread.js';

export interface ThreadedPipelineOptions {
  readonly filter: DenialFilter;
  readonly stats: ScanStats;
  readonly thread: SuggestionThread;
  /** Tests only: a smaller bound than MAX_WAITING. */
  readonly maxWaiting?: number;
  /**
   * For JSON output only: repeats the native scan recognised (batches with facts) are handed
   * over as their JSON lines instead of denials (see repeat-lane.ts), made from these templates.
   * The scan is to be given their takeAnswered() before each read, to render repeats itself.
   */
  readonly jsonRepeats?: RepeatTemplates;
}

/**
 * What is handed over: a denial, or (with jsonRepeats) a repeat's JSON line in two parts (its
 * tail set once it is answered), or the bytes of consecutive JSON lines the native scan rendered
 * (with the tails of its heads, see RenderedRun, once all are answered).
 */
export type ThreadedItem = Denial | Uint8Array | RenderedHead | RenderedRun | ChunkEnd;

/** The slot of rendered lines: their suggestions are in their text. */
const IN_TEXT: SuggestionSlot = Object.freeze({ suggestions: Object.freeze([]) });

/**
 * Denials waiting for their suggestions before at most this many: beyond it, parsing waits
 * for the thread (a file whose every denial is new must not be held in memory whole). Rendered
 * lines weigh what they hold: one denial per WEIGHT_BYTES (a denial with its texts is about that).
 */
const MAX_WAITING = 8192;
const WEIGHT_BYTES = 2048;

function weightOf(item: ThreadedItem): number {
  if (item instanceof Uint8Array) return item.byteLength / WEIGHT_BYTES;
  if (item instanceof RenderedRun) return (item.end - item.start) / WEIGHT_BYTES;
  if (item instanceof ChunkEnd) return 0;
  if (item instanceof RenderedHead) {
    const bytes = item.byteLength;
    return bytes === undefined || item.late ? 1 : bytes / WEIGHT_BYTES;
  }
  return 1;
}

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
): AsyncGenerator<readonly ThreadedItem[]> {
  const { thread, stats, maxWaiting = MAX_WAITING } = options;
  const { filter } = options;
  // Suggestions come from the thread: the syscall is only named.
  const enricher = new SyscallNamer();
  const pipeline = { filter, stats, enricher };
  const slots = new Map<string, SuggestionSlot>();
  /** The same by the parser's remembered build (see repeatOf): no key to make for a repeat. */
  const byRepeat = new WeakMap<object, SuggestionSlot>();
  const templates = options.jsonRepeats;
  let denials: ThreadedItem[] = [];
  /** What each item waits for; for a rendered run, see slotAt. */
  let waiting: SuggestionSlot[] = [];
  let head = 0;
  /** The weight of denials[head..]: see weightOf. */
  let queued = 0;
  const enqueue = (item: ThreadedItem, slot: SuggestionSlot): void => {
    denials.push(item);
    waiting.push(slot);
    queued += weightOf(item);
  };
  /**
   * The slot denials[at] waits for. A rendered run waits for its heads' slots; each head's key was
   * first seen, and its slot queued, before the run, so by its turn they are all answered.
   */
  const slotAt = (at: number): SuggestionSlot => {
    const item = denials[at]!;
    return item instanceof RenderedRun ? (item.unanswered() ?? IN_TEXT) : waiting[at]!;
  };

  const slotOf = (denial: Denial): SuggestionSlot => {
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
    return slot;
  };

  /** denialOf for a repeated line of a native key without a template: learns the key's. */
  const learnt = (
    templates: RepeatTemplates,
    line: string,
    key: number,
    millis: number,
    pid: number,
    at: number,
  ): Denial | undefined => {
    stats.lines++;
    const { result, basis } = parseLineWithBasis(line, 'file');
    if (result.kind !== 'denial') {
      if (result.kind === 'unparsed') stats.unparsed++;
      templates.set(key, undefined);
      return undefined;
    }
    stats.denials++;
    // No basis yet (the line cache may not learn a key on first sight): asked again next time.
    const learn = agrees(basis, millis, pid);
    if (basis !== undefined && !learn) templates.set(key, undefined);
    if (!matchesFilter(result.denial, filter)) {
      if (learn) templates.set(key, FILTERED_OUT);
      return undefined;
    }
    stats.shown++;
    const denial = enricher.enrichOwned(result.denial, 'file');
    const slot = slotOf(denial);
    const template = learn ? shownTemplate(denial, slot, basis) : undefined;
    if (template === undefined) return denial;
    templates.set(key, template);
    // Its own line is one of its key's: the same text as its denial's, rendered as a later line
    // of the key the scan had no template for (natively, with the chunk's other such lines).
    enqueue(templates.lateHead(key, template, line, millis, pid, at), slot);
    return undefined;
  };

  try {
    for await (const { lines, skipped, facts, rendered, text, release } of batches) {
      stats.lines += skipped;
      const lane = templates !== undefined && facts !== undefined && rendered !== undefined;
      /** The rendered lines since the last item: one item when another comes. */
      let runStart = 0;
      let runEnd = 0;
      /** The rendered lines since the last item when some of them are heads. */
      let run: RenderedRun | undefined;
      /** Queues the rendered lines since the last item. */
      const closeRun = (): void => {
        if (run !== undefined) {
          run.end = runEnd;
          enqueue(run, IN_TEXT);
          run = undefined;
        } else if (runEnd > runStart) {
          enqueue(viewOf(rendered!, runStart, runEnd), IN_TEXT);
        }
        runStart = runEnd;
      };
      const count = lane ? facts.length / FACTS_PER_LINE : lines.length;
      /** The next of `lines` (with facts, lines rendered whole or but for their tail are not in it). */
      let next = 0;
      /** Lines of known keys handled without a parse. */
      let repeats = 0;
      for (let i = 0; i < count; i++) {
        let denial: Denial | undefined;
        const at = i * FACTS_PER_LINE;
        const sight = lane ? facts[at + 1]! : 0;
        if (sight === RENDERED) {
          repeats++;
          stats.lines++;
          stats.denials++;
          stats.shown++;
          runEnd += facts![at + 4]!;
          continue;
        }
        if (sight === RENDERED_HEAD) {
          const template = templates!.get(facts![at]!);
          if (template?.shown !== true) throw new Error('scanlog: a rendered repeat of an unknown key');
          repeats++;
          stats.lines++;
          stats.denials++;
          stats.shown++;
          run ??= new RenderedRun(rendered!, runStart);
          runEnd += facts![at + 4]!;
          run.headEnds.push(runEnd);
          run.slots.push(template.slot);
          continue;
        }
        closeRun();
        const line = lines[next++]!;
        if (lane && facts[at]! !== 0) {
          const key = facts[at]!;
          const template = templates!.get(key);
          if (template === null) {
            denial = learnt(templates!, line, key, facts[at + 2]!, facts[at + 3]!, next - 1);
          } else if (template !== undefined) {
            repeats++;
            stats.lines++;
            stats.denials++;
            if (!template.shown) continue;
            stats.shown++;
            const head = templates!.lateHead(key, template, line, facts[at + 2]!, facts[at + 3]!, next - 1);
            enqueue(head, template.slot);
            continue;
          } else {
            denial = denialOf(line, 'file', pipeline);
          }
        } else {
          denial = denialOf(line, 'file', pipeline);
        }
        if (denial === undefined) continue;
        enqueue(denial, slotOf(denial));
      }
      closeRun();
      templates?.settleLate(text);
      // After the chunk's items, the last that read its bytes (settleLate has read its text).
      if (release !== undefined) enqueue(new ChunkEnd(release), IN_TEXT);
      if (repeats > 0) creditRepeats(repeats);
      thread.send();
      let ready: ThreadedItem[] = [];
      for (; head < denials.length; head++) {
        let slot = slotAt(head);
        if (slot.suggestions === undefined && queued <= maxWaiting) break;
        for (; slot.suggestions === undefined; slot = slotAt(head)) {
          if (ready.length > 0) yield ready;
          ready = [];
          await thread.until(slot);
        }
        queued -= weightOf(denials[head]!);
        ready.push(withSuggestions(denials[head]!, slot.suggestions));
      }
      if (ready.length > 0) yield ready;
      if (head > 4096 && head * 2 > denials.length) {
        denials = denials.slice(head);
        waiting = waiting.slice(head);
        head = 0;
      }
    }
    let ready: ThreadedItem[] = [];
    for (; head < denials.length; head++) {
      let slot = slotAt(head);
      for (; slot.suggestions === undefined; slot = slotAt(head)) {
        if (ready.length > 0) yield ready;
        ready = [];
        await thread.until(slot);
      }
      ready.push(withSuggestions(denials[head]!, slot.suggestions));
    }
    if (ready.length > 0) yield ready;
  } finally {
    await thread.close();
  }
}

function withSuggestions(item: ThreadedItem, suggestions: readonly Suggestion[]): ThreadedItem {
  if (item instanceof Uint8Array || item instanceof RenderedRun || item instanceof ChunkEnd) return item;
  if (item instanceof RenderedHead) {
    item.tail = suggestionsTailBytes(suggestions);
    return item;
  }
  (item as { suggestions?: readonly Suggestion[] }).suggestions = suggestions;
  return item;
}
