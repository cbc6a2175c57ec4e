/**
 * A fast reader for the one shape `journalctl --output=json` writes for an ordinary entry: one
 * object, no whitespace, every value a string (`{"K":"V","K2":"V2"}`). It gives exactly what
 * JSON.parse would for the wanted members and undefined for anything else it does not fully
 * check (a number, an array, a space, a malformed escape, a control character, a cut line), so
 * that the caller falls back to JSON.parse: never a different answer, only a cheaper one.
 */

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** JSON forbids raw control characters anywhere in a line without whitespace. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u001f]/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** The decoded text of a string's body holding a backslash; undefined for an invalid escape. */
function unescaped(raw: string, firstBackslash: number): string | undefined {
  let text = '';
  let from = 0;
  for (let at = firstBackslash; at >= 0; at = raw.indexOf('\\', from)) {
    const escape = raw[at + 1];
    if (escape === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      text += raw.slice(from, at) + simple;
      from = at + 2;
      continue;
    }
    const hex = raw.slice(at + 2, at + 6);
    if (escape !== 'u' || !HEX4.test(hex)) return undefined;
    text += raw.slice(from, at) + String.fromCharCode(parseInt(hex, 16));
    from = at + 6;
  }
  return text + raw.slice(from);
}

/** Whether the quote at `at` is escaped: an odd run of backslashes before it, after `from`. */
function isEscaped(line: string, at: number, from: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= from && line.charCodeAt(i) === BACKSLASH; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * The wanted members of a flat all-string JSON object line, decoded (the last one wins when a
 * key repeats, as with JSON.parse); undefined when the line is not of that shape.
 */
export function flatStringMembers(
  line: string,
  wanted: ReadonlySet<string>,
): Map<string, string> | undefined {
  const end = line.length - 1;
  if (end < 1 || line.charCodeAt(0) !== OPEN_BRACE || line.charCodeAt(end) !== CLOSE_BRACE) return undefined;
  if (CONTROL.test(line)) return undefined;
  const members = new Map<string, string>();
  if (end === 1) return members;
  let at = 1;
  for (;;) {
    if (line.charCodeAt(at) !== QUOTE) return undefined;
    const keyEnd = line.indexOf('"', at + 1);
    if (keyEnd < 0) return undefined;
    const key = line.slice(at + 1, keyEnd);
    if (key.includes('\\')) return undefined;
    if (line.charCodeAt(keyEnd + 1) !== COLON || line.charCodeAt(keyEnd + 2) !== QUOTE) return undefined;
    const valueStart = keyEnd + 3;
    let valueEnd = line.indexOf('"', valueStart);
    while (valueEnd >= 0 && isEscaped(line, valueEnd, valueStart)) valueEnd = line.indexOf('"', valueEnd + 1);
    if (valueEnd < 0 || valueEnd >= end) return undefined;
    const raw = line.slice(valueStart, valueEnd);
    const backslash = raw.indexOf('\\');
    if (backslash >= 0) {
      const text = unescaped(raw, backslash);
      if (text === undefined) return undefined;
      if (wanted.has(key)) members.set(key, text);
    } else if (wanted.has(key)) {
      members.set(key, raw);
    }
    const next = line.charCodeAt(valueEnd + 1);
    if (next === CLOSE_BRACE) return valueEnd + 1 === end ? members : undefined;
    if (next !== COMMA) return undefined;
    at = valueEnd + 2;
  }
}
