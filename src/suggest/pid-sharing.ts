import type { Denial, Suggestion } from '../model/denial.js';
import { CacheSkip } from '../parse/cache-skip.js';
import { accessKind } from './access.js';
import { globAccepts } from './glob.js';
import { suggest } from './index.js';
import { suggestionReads } from './input.js';
import { pidBlindness } from './pid-blind.js';
import type { RuleSet } from './rules.js';
import { variablesFor } from './variables.js';

/** A process's own file: /proc/NUMBER/ and at least one character more. */
const PID_PATH = /^\/proc\/([1-9][0-9]{0,9})(\/.+)$/s;
const KEPT = 10_000;
/**
 * Shape lookups per look at how many found their shape: when next to none did (a log whose
 * every denial is its own), the next stretch of /proc/PID/ denials is suggested for directly,
 * without the key (some tenth of an evaluation), as CacheSkip does for the line cache.
 */
const WINDOW = 256;

interface Shared {
  /** The path the suggestions were made for, which their texts hold wherever they name it. */
  readonly path: string;
  readonly suggestions: Suggestion[];
  /**
   * Whether another path's suggestions are these with that path in place of this one: unknown
   * until a second denial of the same shape has been suggested for in full and compared (a text
   * that held this path other than as the denial's would show there), false when the process
   * number appears in the texts outside the path.
   */
  substitutable: boolean | undefined;
}

/**
 * suggest() for a stream of denials that shares the work between file denials that differ
 * only in the process number after /proc/ (a snap's processes reading their own /proc/PID/
 * files make most of a log's distinct denials): when the rule set cannot tell such paths apart
 * (pidBlindness), the second one's suggestions are the first one's with its path in place of
 * the first path, once a second one made in full has shown that to hold. Every answer is the
 * one suggest() gives.
 */
export class PidSharingSuggester {
  private readonly shared = new Map<string, Shared>();
  /** Answers made from another denial's (benchmarks and tests watch it). */
  sharedAnswers = 0;
  /** /proc/PID/ denials suggested for without a shape lookup, shapes being rare (tests watch it). */
  skippedLookups = 0;
  private readonly skip = new CacheSkip(WINDOW);
  private lookups = 0;
  private found = 0;

  constructor(private readonly rules: RuleSet) {}

  suggest(denial: Denial): Suggestion[] {
    const path = denial.path;
    const numbered = path === undefined ? null : PID_PATH.exec(path);
    if (numbered === null || path === undefined || accessKind(denial) !== 'file')
      return suggest(denial, this.rules);
    if (this.skip.skip()) {
      this.skippedLookups++;
      return suggest(denial, this.rules);
    }
    const variables = variablesFor(denial);
    const blindness = pidBlindness(this.rules, variables);
    const pid = numbered[1]!;
    if (blindness === undefined || blindness.literalPids.has(pid)) return suggest(denial, this.rules);
    let key = sharingKey(denial, numbered[2]!);
    for (const glob of blindness.unknownGlobs) key += globAccepts(glob, path, variables) ? '1' : '0';
    const known = this.shared.get(key);
    this.counted(known !== undefined);
    if (known?.substitutable === true) {
      this.sharedAnswers++;
      return withPath(known.suggestions, known.path, path);
    }
    const suggestions = suggest(denial, this.rules);
    if (known === undefined) {
      if (this.shared.size >= KEPT) this.shared.clear();
      const substitutable = onlyInPath(suggestions, path, pid) ? undefined : false;
      this.shared.set(key, { path, suggestions, substitutable });
    } else if (known.substitutable === undefined) {
      const predicted = withPath(known.suggestions, known.path, path);
      known.substitutable = JSON.stringify(predicted) === JSON.stringify(suggestions);
    }
    return suggestions;
  }

  private counted(found: boolean): void {
    if (found) this.found++;
    if (++this.lookups < WINDOW) return;
    this.skip.filled(this.found);
    this.lookups = 0;
    this.found = 0;
  }
}

/** Every field a suggestion may depend on (suggestionReads), the path without its process number. */
export function sharingKey(denial: Denial, afterPid: string): string {
  let key = '';
  for (const name in denial) {
    if (!suggestionReads(name)) continue;
    key += `${name}:${encoded(name === 'path' ? afterPid : denial[name as keyof Denial])};`;
  }
  return key;
}

/** One text per value, different for values the engine could tell apart (NaN and null, 1 and "1"). */
function encoded(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null) return 'z';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return `n${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'object':
      if (Array.isArray(value)) return `[${value.map(encoded).join(',')}]`;
      return `{${Object.entries(value)
        .map(([name, member]) => `${JSON.stringify(name)}:${encoded(member)}`)
        .join(',')}}`;
    default:
      return `?${String(value)}`;
  }
}

/** Whether every text holds the process number only inside the path. */
function onlyInPath(suggestions: readonly Suggestion[], path: string, pid: string): boolean {
  for (const suggestion of suggestions) {
    for (const value of Object.values(suggestion)) {
      if (typeof value === 'string' && value.replaceAll(path, '').includes(pid)) return false;
    }
  }
  return true;
}

/**
 * Copies of the suggestions, `from` replaced by `to` in their texts: a spread (the same members
 * in the same order) with only the texts that hold `from` set again.
 */
function withPath(suggestions: readonly Suggestion[], from: string, to: string): Suggestion[] {
  const copies: Suggestion[] = [];
  for (const suggestion of suggestions) {
    const copy: Record<string, unknown> = { ...suggestion };
    for (const name in copy) {
      const value = copy[name];
      if (typeof value === 'string' && value.includes(from)) copy[name] = value.replaceAll(from, to);
    }
    copies.push(copy as unknown as Suggestion);
  }
  return copies;
}
