import type { GlobVariables } from './glob.js';

/** "/sys/" of "/sys/devices/x"; the whole text when it has no second slash. */
export function topDirectory(text: string): string {
  const slash = text.indexOf('/', 1);
  return slash < 0 ? text : text.slice(0, slash + 1);
}

/** Past this many alternative starts a glob is simply filed as able to match anywhere. */
const MAX_STARTS = 32;
const LITERAL = /^[^*?[\]{}@,\\]*/;

/**
 * The top directories ("/proc/", "/home/") every path the glob matches starts with, found by
 * expanding its leading braces and variables; undefined when some match could start anywhere
 * (a wildcard before the second slash, a variable whose expression is not a literal choice).
 */
export function globTops(glob: string, variables: GlobVariables): readonly string[] | undefined {
  const key = `${glob}\0${referencedValues(glob, variables)}`;
  if (topsCache.has(key)) return topsCache.get(key);
  const starts = expandStarts(glob.replace(/\/{2,}/g, '/'), variables, 0);
  const tops = starts && [...new Set(starts.map(topDirectory))];
  if (topsCache.size >= 50_000) topsCache.clear();
  topsCache.set(key, tops);
  return tops;
}

const topsCache = new Map<string, readonly string[] | undefined>();
const namesCache = new Map<string, readonly string[]>();

/** The values of the variables the glob names, joined: with the glob, what its meaning depends on. */
export function referencedValues(glob: string, variables: GlobVariables): string {
  let names = namesCache.get(glob);
  if (!names) {
    names = [...glob.matchAll(/@\{([^}]*)\}/g)].map((m) => m[1]!);
    if (namesCache.size >= 50_000) namesCache.clear();
    namesCache.set(glob, names);
  }
  if (names.length === 0) return '';
  let out = '';
  for (const name of names) out += `${variables[name] ?? '\u0002'}\u0001`;
  return out;
}

/**
 * Literal texts one of which starts every match and that reach a second slash (or the whole
 * match), or undefined when that cannot be said.
 */
function expandStarts(pattern: string, variables: GlobVariables, depth: number): string[] | undefined {
  if (depth > 8) return undefined;
  const literal = LITERAL.exec(pattern)![0];
  const rest = pattern.slice(literal.length);
  if (literal.indexOf('/', 1) > 0 || rest === '') return [literal];
  let alternatives: string[] | undefined;
  let after: string;
  if (rest.startsWith('{')) {
    const end = closingBrace(rest);
    if (end < 0) return undefined;
    alternatives = splitTopLevel(rest.slice(1, end), ',', '{', '}');
    after = rest.slice(end + 1);
  } else if (rest.startsWith('@{')) {
    const end = rest.indexOf('}');
    if (end < 0) return undefined;
    const value = variables[rest.slice(2, end)];
    alternatives = value === undefined ? undefined : literalChoices(value);
    after = rest.slice(end + 1);
  } else return undefined;
  if (!alternatives || alternatives.length > MAX_STARTS) return undefined;
  const out: string[] = [];
  for (const alternative of alternatives) {
    const starts = expandStarts(
      `${literal}${alternative}${after}`.replace(/\/{2,}/g, '/'),
      variables,
      depth + 1,
    );
    if (!starts) return undefined;
    out.push(...starts);
    if (out.length > MAX_STARTS) return undefined;
  }
  return out;
}

/** The brace closing the group the text opens with, nesting counted. */
function closingBrace(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(text: string, separator: string, open: string, close: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === open) depth++;
    else if (ch === close) depth--;
    else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * A variable's regular expression as glob text when it is a choice of literal paths, each
 * perhaps followed by more expression (`(?:/snap|/var/lib/snapd/snap)/name/...`): the literal
 * part of each choice, ending in "*" where the expression goes on. Undefined otherwise.
 */
function literalChoices(expression: string): string[] | undefined {
  let body = expression;
  let tail = '';
  if (body.startsWith('(?:')) {
    if (splitTopLevel(body, '|', '(', ')').length > 1) return undefined;
    let depth = 0;
    let end = -1;
    for (let i = 0; i < body.length && end < 0; i++) {
      if (body[i] === '\\') i++;
      else if (body[i] === '(') depth++;
      else if (body[i] === ')' && --depth === 0) end = i;
    }
    if (end < 0) return undefined;
    tail = body.slice(end + 1);
    body = body.slice(3, end);
    if (tail !== '') tail = literalOf(tail).complete ? literalOf(tail).text : `${literalOf(tail).text}*`;
  }
  const choices: string[] = [];
  for (const choice of splitTopLevel(body, '|', '(', ')')) {
    const { text, complete } = literalOf(choice);
    choices.push(complete ? text + tail : `${text}*`);
  }
  return choices;
}

/** The literal text an expression starts with (escapes undone), and whether that is all of it. */
function literalOf(expression: string): { text: string; complete: boolean } {
  let text = '';
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i]!;
    if (ch === '\\' && i + 1 < expression.length && /[./\-_]/.test(expression[i + 1]!)) {
      text += expression[++i];
    } else if (/[A-Za-z0-9/_-]/.test(ch)) text += ch;
    else return { text, complete: false };
  }
  return { text, complete: true };
}
