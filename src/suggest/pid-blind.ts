import { globTops } from './glob-tops.js';
import type { GlobVariables } from './glob.js';
import type { RuleSet } from './rules.js';
import { SNAP_DEPENDENT } from './variables.js';

/**
 * Whether a rule set tells /proc/PID/... paths apart only by the rest of the path: then two file
 * denials that differ only in the process number after /proc/ get the same suggestions, with the
 * path in their texts. Worked out from the globs' text, per rule set and binding, conservatively:
 * a glob that could match under /proc/ and whose form is not one of those below makes the
 * answer "no" (undefined), except that a glob without `**` may instead be named in `unknownGlobs`
 * for the caller to try on each path (a glob is only ever asked whether it matches).
 */
export interface PidBlindness {
  /** Process numbers a glob names literally (`@{PROC}/1/...`): paths with these are not shared. */
  readonly literalPids: ReadonlySet<string>;
  /** Globs whose answer on a /proc/PID/ path this analysis cannot foresee. */
  readonly unknownGlobs: readonly string[];
}

/** Glob characters that are not literal; a backslash escape is simply not analysed. */
const SPECIAL = /[*?[\]{}@,\\]/;
/** Regular-expression fragments of variables that match every process number and nothing with a slash. */
const ANY_NUMBER = new Set(['[1-9][0-9]*', '[0-9]+', '[^/]+']);
const PROC = '/proc/';
const MAX_ALTERNATIVES = 256;

type Verdict = 'blind' | 'unknown';

/** A rule set's globs: those naming no snap variable mean the same in every binding. */
interface RuleGlobs {
  /** undefined: some snap-independent glob already rules sharing out. */
  readonly independent: PidBlindness | undefined;
  readonly dependent: readonly string[];
  readonly perBinding: WeakMap<GlobVariables, PidBlindness | null>;
}

const cache = new WeakMap<RuleSet, RuleGlobs>();

export function pidBlindness(rules: RuleSet, variables: GlobVariables): PidBlindness | undefined {
  let globs = cache.get(rules);
  if (!globs) cache.set(rules, (globs = ruleGlobs(rules, variables)));
  if (globs.independent === undefined) return undefined;
  if (globs.dependent.length === 0) return globs.independent;
  let known = globs.perBinding.get(variables);
  if (known === undefined) {
    const own = analyse(globs.dependent, variables);
    known = own
      ? {
          literalPids: new Set([...globs.independent.literalPids, ...own.literalPids]),
          unknownGlobs: [...globs.independent.unknownGlobs, ...own.unknownGlobs],
        }
      : null;
    globs.perBinding.set(variables, known);
  }
  return known ?? undefined;
}

function ruleGlobs(rules: RuleSet, variables: GlobVariables): RuleGlobs {
  const all = new Set([
    ...rules.interfaces.flatMap((rule) =>
      [...rule.file, ...(rule.providerRule?.file ?? [])].map((g) => g.path),
    ),
    ...rules.advice.flatMap((rule) => [...(rule.when.path ?? []), ...(rule.when.notPath ?? [])]),
  ]);
  const dependent = [...all].filter((glob) =>
    [...glob.matchAll(/@\{([^}]*)\}/g)].some((m) => SNAP_DEPENDENT.has(m[1]!)),
  );
  const independent = [...all].filter((glob) => !dependent.includes(glob));
  // relevance() looks for words of interface names in the path: a word of digits could be in the number.
  const digitWord = rules.interfaces.some((rule) => rule.id.split('-').some((word) => /^[0-9]+$/.test(word)));
  return {
    independent: digitWord ? undefined : analyse(independent, variables),
    dependent,
    perBinding: new WeakMap(),
  };
}

function analyse(globs: readonly string[], variables: GlobVariables): PidBlindness | undefined {
  const literalPids = new Set<string>();
  const unknownGlobs: string[] = [];
  for (const glob of globs) {
    const tops = globTops(glob, variables);
    if (tops !== undefined && !tops.includes(PROC)) continue;
    const alternatives = expandBraces(glob.replace(/\/{2,}/g, '/'));
    const verdicts = alternatives?.map((alternative) => verdictOf(alternative, variables, literalPids));
    if (verdicts === undefined || verdicts.includes('unknown')) {
      if (glob.includes('**')) return undefined;
      unknownGlobs.push(glob);
    }
  }
  return { literalPids, unknownGlobs };
}

/** Whether a brace-free glob treats every /proc/N/REST path (N a process number) the same for any N. */
function verdictOf(glob: string, variables: GlobVariables, literalPids: Set<string>): Verdict {
  let text = glob;
  const variable = /^@\{([^}]*)\}/.exec(text);
  if (variable) {
    if (variable[1] === 'PROC' && variables['PROC'] === '/proc')
      text = `/proc${text.slice(variable[0].length)}`;
    else return leadingVariableVerdict(variables[variable[1]!]);
  }
  if (text.startsWith(PROC)) return segmentVerdict(text.slice(PROC.length), variables, literalPids);
  // Matches every path, whatever its number.
  if (text === '/**' || text === '**') return 'blind';
  const special = text.search(SPECIAL);
  const prefix = special < 0 ? text : text.slice(0, special);
  // Every match starts with the prefix: one that leaves "/proc/" never meets such a path.
  if (!PROC.startsWith(prefix)) return 'blind';
  if (special < 0) return 'blind';
  if (text[special] !== '[') return 'unknown';
  const accepts = classAccepts(text, special, PROC[prefix.length]!);
  return accepts === false ? 'blind' : 'unknown';
}

/** The first path component after /proc/ in the glob, and what it makes of a process number. */
function segmentVerdict(rest: string, variables: GlobVariables, literalPids: Set<string>): Verdict {
  const end = segmentEnd(rest);
  if (end === undefined) return 'unknown';
  const segment = rest.slice(0, end);
  // "/proc/" itself: a path with a number after it is longer.
  if (segment === '') return 'blind';
  if (segment === '*' || segment === '**' || segment === '[0-9]*' || segment === '[1-9]*') return 'blind';
  const variable = /^@\{([^}]*)\}$/.exec(segment);
  if (variable) {
    const value = variables[variable[1]!];
    return value === undefined || ANY_NUMBER.has(value) ? 'blind' : 'unknown';
  }
  if (/^[0-9]+$/.test(segment)) {
    literalPids.add(segment);
    return 'blind';
  }
  // A literal first character other than a digit never matches a number.
  return SPECIAL.test(segment[0]!) || /[0-9]/.test(segment[0]!) ? 'unknown' : 'blind';
}

/** Where the glob's first component ends (its first slash outside a class), or undefined. */
function segmentEnd(text: string): number | undefined {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '/') return i;
    if (text[i] === '[') {
      const close = text.indexOf(']', i + 2);
      if (close < 0) return undefined;
      i = close;
    }
  }
  return text.length;
}

/** A leading variable other than @{PROC}: blind when none of its alternatives can start a /proc/ path. */
function leadingVariableVerdict(value: string | undefined): Verdict {
  if (value === undefined || /\[[^\]]*\|/.test(value)) return 'unknown';
  for (const alternative of value.split('|')) {
    const special = alternative.search(/[\\^$.*+?()[\]{}|]/);
    const prefix = special < 0 ? alternative : alternative.slice(0, special);
    if (PROC.startsWith(prefix) || prefix.startsWith(PROC)) return 'unknown';
  }
  // A choice at the top level only: a group or escape would have ended a prefix early above.
  return value.includes('(') ? 'unknown' : 'blind';
}

/** Whether the class at `start` accepts `ch`; undefined when the class is not a simple one. */
function classAccepts(text: string, start: number, ch: string): boolean | undefined {
  const close = text.indexOf(']', start + 2);
  if (close < 0) return undefined;
  const body = text.slice(start + 1, close);
  if (!/^[!^]?[A-Za-z0-9._/-]+$/.test(body)) return undefined;
  const negated = body.startsWith('^') || body.startsWith('!');
  const members = negated ? body.slice(1) : body;
  return new RegExp(negated ? `^[^/${members}]$` : `^[${members}]$`).test(ch);
}

/** Every brace-free alternative of the glob, or undefined past MAX_ALTERNATIVES or on odd braces. */
export function expandBraces(glob: string): string[] | undefined {
  if (glob.includes('\\')) return /(?<!@)\{/.test(glob) ? undefined : [glob];
  // A brace or comma inside a class is a member, not a choice: not analysed.
  if (/\[[^\]]*[{},]/.test(glob)) return undefined;
  const open = choiceStart(glob);
  if (open < 0) return [glob];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < glob.length && close < 0; i++) {
    if (glob[i] === '@' && glob[i + 1] === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) return undefined;
      i = end;
    } else if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) close = i;
    else if (glob[i] === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) return undefined;
  const bounds = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const choice = glob.slice(bounds[k]! + 1, bounds[k + 1]);
    const expanded = expandBraces(glob.slice(0, open) + choice + glob.slice(close + 1));
    if (expanded === undefined) return undefined;
    out.push(...expanded);
    if (out.length > MAX_ALTERNATIVES) return undefined;
  }
  return out;
}

/** The first `{` that opens a choice (not a variable's `@{`), or -1. */
function choiceStart(glob: string): number {
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '@' && glob[i + 1] === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) return -1;
      i = end;
    } else if (glob[i] === '{') return i;
  }
  return -1;
}
