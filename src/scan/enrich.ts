import type { Denial, SourceName, Suggestion } from '../model/denial.js';
import { repeatOf } from '../parse/build-cache.js';
import { suggest, type RuleSet } from '../suggest/index.js';
import { accessKey, addToOwned, CACHE_LIMIT, resolvedSyscall, type OwnedEnricher } from './replay-enrich.js';

export { accessKey, CACHE_LIMIT } from './replay-enrich.js';

/**
 * Adds what the log line alone does not say: the syscall's name on the right architecture
 * table, and the suggestions. Suggestions depend only on what was accessed, so they are
 * memoised by that (bounded), keeping repeated denials cheap.
 */
export class Enricher implements OwnedEnricher {
  private readonly cache = new Map<string, readonly Suggestion[]>();
  /** The same by the parser's remembered build (see repeatOf): no key to make for a repeat. */
  private readonly byRepeat = new WeakMap<object, readonly Suggestion[]>();

  constructor(private readonly rules?: RuleSet) {}

  /**
   * The denial with its syscall named and its suggestions, and `source` when the parser left it
   * unset: one new object (a saved file's 20,000 denials are not copied once per step).
   */
  enrich(denial: Denial, source?: SourceName): Denial {
    const syscall = resolvedSyscall(denial.syscall);
    const suggestions = this.rules ? this.suggestionsFor(denial, syscall) : undefined;
    const withSource = denial.source === undefined && source !== undefined;
    if (syscall === denial.syscall) {
      if (suggestions === undefined) return withSource ? { ...denial, source } : denial;
      return withSource ? { ...denial, source, suggestions } : { ...denial, suggestions };
    }
    const named = withSource ? { ...denial, source, syscall } : { ...denial, syscall };
    return suggestions === undefined ? named : { ...named, suggestions };
  }

  /**
   * The same for a denial the caller has just parsed and is the only one to hold: the members
   * are added to it. Stores keep V8's object shapes shared between records; a spread copy of
   * records of a few different shapes gives almost every copy a shape of its own, and each
   * later read of it (filter, JSON, text) is a slow lookup.
   */
  enrichOwned(denial: Denial, source: SourceName): Denial {
    const syscall = resolvedSyscall(denial.syscall);
    const suggestions = this.rules ? this.suggestionsFor(denial, syscall) : undefined;
    return addToOwned(denial, source, syscall, suggestions);
  }

  private suggestionsFor(denial: Denial, syscall: Denial['syscall']): readonly Suggestion[] {
    const rules = this.rules;
    if (!rules) return [];
    const repeat = repeatOf(denial);
    if (repeat !== undefined) {
      const known = this.byRepeat.get(repeat);
      if (known) return known;
    }
    const key = accessKey(denial, syscall);
    let suggestions = this.cache.get(key);
    if (suggestions === undefined) {
      suggestions = suggest(syscall === denial.syscall ? denial : { ...denial, syscall }, rules);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, suggestions);
    }
    if (repeat !== undefined) this.byRepeat.set(repeat, suggestions);
    return suggestions;
  }
}
