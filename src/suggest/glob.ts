/**
 * AppArmor path globs compiled to anchored regular expressions.
 *
 * Semantics follow AppArmor's (as python3-apparmor's convert_regexp states them): `*` matches
 * within one path component, `**` across components, and either one at a point of the path
 * right after a `/` must match at least one character (so `/dir/*` does not match `/dir/`,
 * hence the usual `/dir/{,**}` idiom). `?` is one non-slash character,
 * `{a,b}` alternation (nestable, empty alternatives allowed), `[...]`/`[^...]` classes, and
 * `@{NAME}` variables expand to regular-expression fragments given by the caller.
 */

import { requiredLiterals } from './glob-literals.js';
import { referencedValues } from './glob-tops.js';

/** Variable name → regular-expression fragment (already escaped where literal). */
export type GlobVariables = Readonly<Record<string, string>>;

const EMPTY: GlobVariables = Object.freeze({});
/** One cache per variable binding (callers reuse binding objects), keyed by glob. */
const caches = new WeakMap<GlobVariables, Map<string, RegExp>>();
/** Across bindings, by glob and the values of the variables it names: one compile per meaning. */
const shared = new Map<string, RegExp>();
const CACHE_LIMIT = 20_000;

export class GlobSyntaxError extends Error {}

/** Compiles (and caches) an AppArmor glob; unknown variables match one path component. */
export function compileGlob(glob: string, variables: GlobVariables = EMPTY): RegExp {
  let cache = caches.get(variables);
  if (!cache) caches.set(variables, (cache = new Map()));
  let re = cache.get(glob);
  if (!re) {
    const key = `${glob}\0${referencedValues(glob, variables)}`;
    re = shared.get(key);
    if (!re) {
      re = globRegExp(glob, variables);
      if (shared.size >= CACHE_LIMIT) shared.clear();
      shared.set(key, re);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(glob, re);
  }
  return re;
}

/** The glob's expression, tried only on paths that hold every literal the glob requires. */
class GlobRegExp extends RegExp {
  constructor(
    source: string,
    private readonly prefix: string,
    private readonly literals: readonly string[],
  ) {
    super(source, 's');
  }

  override test(text: string): boolean {
    // Most of a rule set's globs start with a directory of their own (/sys/, /dev/, /etc/):
    // comparing that first rules them out without the expression.
    if (!text.startsWith(this.prefix)) return false;
    for (const literal of this.literals) if (!text.includes(literal)) return false;
    return super.test(text);
  }
}

/** The text every match starts with: the glob (slashes collapsed) up to its first special character. */
export function literalPrefix(glob: string): string {
  const pattern = collapseSlashes(glob);
  const special = pattern.search(/[*?[\]{}@,\\]/);
  return special < 0 ? pattern : pattern.slice(0, special);
}

function globRegExp(glob: string, variables: GlobVariables): RegExp {
  const source = `^${globToRegexSource(glob, variables)}$`;
  try {
    return new GlobRegExp(source, literalPrefix(glob), requiredLiterals(glob));
  } catch (error) {
    // A character class the engine refuses, such as the reversed range in [z-a].
    const reason = (error as Error).message.replace(/^.*: /, '');
    throw new GlobSyntaxError(`invalid glob "${glob}": ${reason}`);
  }
}

export function globMatches(glob: string, path: string, variables: GlobVariables = EMPTY): boolean {
  return compileGlob(glob, variables).test(path);
}

/** The text a glob's matches start with and the literals they all hold. */
export interface LiteralTest {
  readonly prefix: string;
  readonly literals: readonly string[];
  /** For a glob without special characters: the one text it matches (slashes collapsed). */
  readonly exact?: string;
}

const literalTests = new Map<string, LiteralTest>();

/** The glob's literal test, which its compiled expression also runs first. */
export function literalTestOf(glob: string): LiteralTest {
  let test = literalTests.get(glob);
  if (!test) {
    const prefix = literalPrefix(glob);
    test =
      prefix === collapseSlashes(glob)
        ? { prefix, literals: [], exact: prefix }
        : { prefix, literals: requiredLiterals(glob) };
    if (literalTests.size >= CACHE_LIMIT) literalTests.clear();
    literalTests.set(glob, test);
  }
  return test;
}

export function passesLiteralTest(test: LiteralTest, text: string): boolean {
  if (test.exact !== undefined) return text === test.exact;
  if (!text.startsWith(test.prefix)) return false;
  for (const literal of test.literals) if (!text.includes(literal)) return false;
  return true;
}

/**
 * The same answer as compileGlob(glob, variables).test(text), but the expression is compiled
 * only once a text passes the glob's literal test: most texts tried against a rule set's globs
 * fail it, and building an expression costs far more than the test. A glob that does not
 * compile throws only when a text gets that far (rule sets' globs are checked when loaded).
 */
export function globAccepts(glob: string, text: string, variables: GlobVariables = EMPTY): boolean {
  const test = literalTestOf(glob);
  if (test.exact !== undefined) return text === test.exact;
  return passesLiteralTest(test, text) && compileGlob(glob, variables).test(text);
}

/** The regular-expression source (unanchored) for an AppArmor glob. */
export function globToRegexSource(glob: string, variables: GlobVariables = EMPTY): string {
  const pattern = collapseSlashes(glob);
  let out = '';
  let braceDepth = 0;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '*') {
      // Right after a "/" in the matched path, a star must take at least one character.
      if (pattern[i + 1] === '*') {
        out += '(?:(?<=/).+|(?<!/).*)';
        i += 2;
      } else {
        out += '(?:(?<=/)[^/]+|(?<!/)[^/]*)';
        i += 1;
      }
    } else if (ch === '?') {
      out += '[^/]';
      i++;
    } else if (ch === '{') {
      braceDepth++;
      out += '(?:';
      i++;
    } else if (ch === ',' && braceDepth > 0) {
      out += '|';
      i++;
    } else if (ch === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
      i++;
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new GlobSyntaxError(`unterminated character class in glob "${glob}"`);
      out += characterClass(pattern.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '@' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i + 2);
      if (end < 0) throw new GlobSyntaxError(`unterminated variable in glob "${glob}"`);
      const name = pattern.slice(i + 2, end);
      out += `(?:${variables[name] ?? '[^/]+'})`;
      i = end + 1;
    } else if (ch === '\\' && i + 1 < pattern.length) {
      out += escapeRegex(pattern[i + 1]!);
      i += 2;
    } else {
      out += escapeRegex(ch);
      i++;
    }
  }
  if (braceDepth !== 0) throw new GlobSyntaxError(`unbalanced braces in glob "${glob}"`);
  return out;
}

function characterClass(body: string): string {
  const negated = body.startsWith('^') || body.startsWith('!');
  const members = (negated ? body.slice(1) : body).replace(/[\\\]]/g, '\\$&');
  // A negated class never matches "/" in AppArmor: it stays inside one component.
  return negated ? `[^/${members}]` : `[${members}]`;
}

/** AppArmor treats repeated slashes as one: `@{HOME}/` expands to a path ending in two slashes. */
function collapseSlashes(glob: string): string {
  return glob.replace(/\/{2,}/g, '/');
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
