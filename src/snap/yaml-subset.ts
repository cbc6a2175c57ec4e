/**
 * The plain shape most snap.yaml files have, read without loading the `yaml` package (whose load
 * alone costs about 50 ms of a `run`): block mappings with simple keys, block sequences and
 * one-line flow sequences and mappings of scalars, one-line quoted scalars, `|` and `|-` literal blocks,
 * comments. Scalars resolve as in YAML 1.2's core schema (what `yaml` uses). Anything else —
 * anchors, tags, multi-line plain or quoted scalars, escapes, most number forms, duplicate keys, tabs —
 * answers undefined and the caller parses with `yaml`. Pure.
 */

/** The parsed document; undefined means "not in the subset, ask the full parser". */
export type SubsetResult = { readonly value: unknown } | undefined;

class NotInSubset extends Error {}

const MAX_DEPTH = 32;
/** `yaml` refuses implicit keys over 1024 characters. */
const MAX_KEY = 1000;
const KEY = /^[A-Za-z_$/][A-Za-z0-9_$/.+-]*$/;
const RESERVED_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|__proto__)$/;
const NULL_WORD = /^(?:~|[Nn]ull|NULL)$/;
const TRUE_WORD = /^(?:[Tt]rue|TRUE)$/;
const FALSE_WORD = /^(?:[Ff]alse|FALSE)$/;
/** Every scalar the core schema reads as a number (int, octal, hex, float, exponent, inf, nan). */
const NUMBER_LIKE =
  /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
/** The only numbers read here: decimal integers that need no rounding and have no leading zero… */
const PLAIN_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
/** …and unsigned decimals such as `6.4` (parseFloat, as `yaml` does). */
const PLAIN_DECIMAL = /^[0-9]+\.[0-9]*$/;
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
/** Tabs, CR, control characters, BOM, NEL and the Unicode line separators: left to `yaml`. */
// eslint-disable-next-line no-control-regex
const UNUSUAL_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;

function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 0x20) n++;
  return n;
}

function isSkippable(line: string): boolean {
  const rest = line.trimStart();
  return rest === '' || rest.startsWith('#');
}

/** After a closing quote or bracket: nothing, or spaces then an optional comment. */
function checkTail(tail: string): void {
  if (tail === '') return;
  if (!/^ +(?:#.*)?$/.test(tail)) throw new NotInSubset();
}

function plainScalar(text: string): unknown {
  if (text === '' || INDICATOR_START.test(text)) throw new NotInSubset();
  if (text.includes(': ') || text.endsWith(':') || text.includes(' #')) throw new NotInSubset();
  if (NULL_WORD.test(text)) return null;
  if (TRUE_WORD.test(text)) return true;
  if (FALSE_WORD.test(text)) return false;
  if (NUMBER_LIKE.test(text)) {
    if (PLAIN_INTEGER.test(text)) return Number(text);
    if (PLAIN_DECIMAL.test(text)) return parseFloat(text);
    throw new NotInSubset();
  }
  return text;
}

function singleQuoted(text: string): unknown {
  let value = '';
  for (let i = 1; i < text.length; i++) {
    if (text[i] !== "'") {
      value += text[i];
      continue;
    }
    if (text[i + 1] === "'") {
      value += "'";
      i++;
      continue;
    }
    checkTail(text.slice(i + 1));
    return value;
  }
  throw new NotInSubset();
}

function doubleQuoted(text: string): unknown {
  const end = text.indexOf('"', 1);
  if (end < 0) throw new NotInSubset();
  const value = text.slice(1, end);
  if (value.includes('\\')) throw new NotInSubset();
  checkTail(text.slice(end + 1));
  return value;
}

function flowSequence(text: string): unknown[] {
  const end = text.indexOf(']');
  if (end < 0) throw new NotInSubset();
  checkTail(text.slice(end + 1));
  const inner = text.slice(1, end).trim();
  if (inner === '') return [];
  return inner.split(',').map((item) => {
    const token = item.trim();
    if (/[[\]{}#'":]/.test(token)) throw new NotInSubset();
    return plainScalar(token);
  });
}

function flowMapping(text: string): Record<string, unknown> {
  const end = text.indexOf('}');
  if (end < 0) throw new NotInSubset();
  checkTail(text.slice(end + 1));
  const result: Record<string, unknown> = {};
  const inner = text.slice(1, end).trim();
  if (inner === '') return result;
  for (const item of inner.split(',')) {
    const pair = /^ *([^ :]+): +([^:]+?) *$/.exec(item);
    if (!pair) throw new NotInSubset();
    const [, key, value] = pair as unknown as [string, string, string];
    if (!KEY.test(key) || RESERVED_KEY.test(key) || Object.hasOwn(result, key)) throw new NotInSubset();
    if (/[[\]{}#'"]/.test(value)) throw new NotInSubset();
    result[key] = plainScalar(value);
  }
  return result;
}

/** A value on the same line as its key or dash (no block scalars: the caller handles those). */
function inlineValue(text: string): unknown {
  if (text.startsWith("'")) return singleQuoted(text);
  if (text.startsWith('"')) return doubleQuoted(text);
  if (text.startsWith('[')) return flowSequence(text);
  if (text.startsWith('{')) return flowMapping(text);
  const comment = text.indexOf(' #');
  return plainScalar((comment < 0 ? text : text.slice(0, comment)).trimEnd());
}

class Reader {
  private index = 0;

  constructor(private readonly lines: readonly string[]) {}

  /** The index of the next line that is neither blank nor a comment, from the cursor. */
  private nextContent(): number {
    let i = this.index;
    while (i < this.lines.length && isSkippable(this.lines[i]!)) i++;
    return i;
  }

  document(): unknown {
    const first = this.nextContent();
    if (first >= this.lines.length || indentOf(this.lines[first]!) !== 0) throw new NotInSubset();
    const value = this.mapping(0, 0);
    if (this.nextContent() < this.lines.length) throw new NotInSubset();
    return value;
  }

  private mapping(indent: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw new NotInSubset();
    const result: Record<string, unknown> = {};
    for (;;) {
      const at = this.nextContent();
      if (at >= this.lines.length) return result;
      const line = this.lines[at]!;
      const lineIndent = indentOf(line);
      if (lineIndent < indent) return result;
      if (lineIndent > indent) throw new NotInSubset();
      const colon = line.indexOf(':', indent);
      if (colon < 0) throw new NotInSubset();
      const key = line.slice(indent, colon);
      const rest = line.slice(colon + 1);
      if (key.length > MAX_KEY || !KEY.test(key) || RESERVED_KEY.test(key) || Object.hasOwn(result, key)) {
        throw new NotInSubset();
      }
      if (rest !== '' && !rest.startsWith(' ')) throw new NotInSubset();
      this.index = at + 1;
      const text = rest.trim();
      if (text === '' || text.startsWith('#')) result[key] = this.nested(indent, depth);
      else if (text === '|' || text === '|-' || /^\|-? +#/.test(text))
        result[key] = this.literal(indent, text);
      else result[key] = inlineValue(text);
    }
  }

  /** The block under a key with nothing after its colon: a mapping, a sequence, or null. */
  private nested(parentIndent: number, depth: number): unknown {
    const at = this.nextContent();
    if (at >= this.lines.length) return null;
    const line = this.lines[at]!;
    const lineIndent = indentOf(line);
    const dash = line.startsWith('-', lineIndent) && [' ', undefined].includes(line[lineIndent + 1]);
    if (dash && lineIndent >= parentIndent) return this.sequence(lineIndent, depth + 1);
    if (lineIndent > parentIndent) return this.mapping(lineIndent, depth + 1);
    return null;
  }

  private sequence(indent: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) throw new NotInSubset();
    const result: unknown[] = [];
    for (;;) {
      const at = this.nextContent();
      if (at >= this.lines.length) return result;
      const line = this.lines[at]!;
      const lineIndent = indentOf(line);
      if (lineIndent < indent) return result;
      if (lineIndent > indent) throw new NotInSubset();
      if (!line.startsWith('- ', indent)) {
        if (result.length === 0) throw new NotInSubset();
        return result;
      }
      const text = line.slice(indent + 2).trim();
      if (text === '' || text.startsWith('#') || text.startsWith('|') || /^[^'"[]*:(?: |$)/.test(text)) {
        throw new NotInSubset();
      }
      this.index = at + 1;
      result.push(inlineValue(text));
    }
  }

  /** `|` (clip: one final newline) or `|-` (strip: none) under a mapping key at `parentIndent`. */
  private literal(parentIndent: number, header: string): string {
    const strip = header.startsWith('|-');
    const content: string[] = [];
    let blockIndent: number | undefined;
    let i = this.index;
    for (; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      if (line === '') {
        content.push('');
        continue;
      }
      const lineIndent = indentOf(line);
      if (lineIndent === line.length) throw new NotInSubset(); // spaces only: left to `yaml`
      if (lineIndent <= parentIndent) break;
      blockIndent ??= lineIndent;
      if (lineIndent < blockIndent) throw new NotInSubset();
      content.push(line.slice(blockIndent));
    }
    if (blockIndent === undefined) throw new NotInSubset();
    while (content.length > 0 && content[content.length - 1] === '') content.pop();
    if (content[0] === '') throw new NotInSubset(); // leading blank lines: left to `yaml`
    // The blank lines after the block belong to what follows it.
    let end = i;
    while (end > this.index && this.lines[end - 1] === '') end--;
    this.index = end;
    const text = content.join('\n');
    return strip ? text : `${text}\n`;
  }
}

/** The document when it is in the subset described above; undefined otherwise. */
export function parseYamlSubset(source: string): SubsetResult {
  if (UNUSUAL_CHARACTER.test(source)) return undefined;
  const lines = source.split('\n');
  if (lines.some((line) => line.startsWith('---') || line.startsWith('...') || line.startsWith('%'))) {
    return undefined;
  }
  try {
    return { value: new Reader(lines).document() };
  } catch (error) {
    if (error instanceof NotInSubset) return undefined;
    throw error;
  }
}
