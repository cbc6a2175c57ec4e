/**
 * The audit `key=value` tokenizer.
 *
 * The kernel writes values three ways: bare (`pid=42`), double-quoted (`name="/etc/fstab"`) and,
 * for "untrusted" strings that contain a space, a quote or a non-printable byte, as upper-case hex
 * with no quotes (`name=2F746D702F612062` is "/tmp/a b"). User-space records (USER_AVC) nest a
 * whole record in single quotes: `msg='apparmor="DENIED" operation=... '`. auditd's enriched format
 * appends translated fields after a 0x1d byte (`ouid=0\x1dOUID="root"`).
 *
 * One linear scan (runs of characters matched by single-class regular expressions, no
 * backtracking): lines can be a megabyte long.
 */
import { abstractAddress, decodeHex, isUpperHex } from './hex.js';

/** Decoded fields of one record, in the order they were logged (first occurrence wins). */
export type AuditFields = Readonly<Record<string, string>>;

export interface Tokens {
  readonly fields: AuditFields;
  /** Content of a single-quoted `msg='...'`, tokenized the same way (USER_AVC). */
  readonly nested?: Tokens;
  /** Why the text is not a well-formed record (first problem found); undefined when it is. */
  readonly problem?: string;
  /** True when a single-quoted value ran to the end of the text without its closing quote. */
  readonly openSingleQuote?: boolean;
}

/** Keys whose values the kernel logs with audit_log_untrustedstring: quoted, or hex when unsafe. */
const UNTRUSTED_KEYS: ReadonlySet<string> = new Set([
  'name',
  'name2',
  'comm',
  'exe',
  'profile',
  'label',
  'peer',
  'peer_label',
  'peer_profile',
  'target',
  'srcname',
  'namespace',
  'execpath',
  'tcontext',
  'addr',
  'peer_addr',
  'fstype',
  'cwd',
  'proctitle',
]);

/**
 * The prototype of every fields object: empty and itself without one, so no key (`constructor`,
 * `__proto__`) is inherited. An object made with Object.create(null) is a hash table in V8;
 * one whose prototype is this object keeps fast properties, read several times faster.
 */
const NO_INHERITED_MEMBERS: object = Object.freeze(Object.create(null) as object);

const SPACE = 0x20;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const AT = 0x40;
const HASH = 0x23;
const BACKSLASH = 0x5c;

/**
 * Escaped control characters separate values like the characters they stand for: rsyslog writes
 * the newline inside a USER_AVC as `#012` (a tab `#011`), /dev/kmsg as `\x0a` (`\x09`).
 */
function escapedControlAt(text: string, at: number): boolean {
  const first = text.charCodeAt(at);
  if (first === HASH) {
    if (text.charCodeAt(at + 1) !== 0x30 || text.charCodeAt(at + 2) !== 0x31) return false;
    const last = text.charCodeAt(at + 3);
    return last === 0x32 || last === 0x31;
  }
  if (first === BACKSLASH) {
    if (text.charCodeAt(at + 1) !== 0x78 /* x */ || text.charCodeAt(at + 2) !== 0x30) return false;
    const last = text.charCodeAt(at + 3);
    return last === 0x61 /* a */ || last === 0x39;
  }
  return false;
}

/** `(enforce)`-style mode word that follows an unquoted label (`subj=snap.a.b (enforce)`). */
function modeSuffixEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== SPACE || text.charCodeAt(start + 1) !== OPEN_PAREN) return -1;
  for (let i = start + 2; i < text.length && i < start + 24; i++) {
    const code = text.charCodeAt(i);
    if (code === CLOSE_PAREN) return i > start + 2 ? i + 1 : -1;
    if (!(code >= 0x61 && code <= 0x7a) && code !== 0x5f) return -1;
  }
  return -1;
}

/**
 * Keys most records hold. Taken from this list a key is one string the engine already knows,
 * instead of a new piece of the text that every field store must first look up by its characters.
 */
const COMMON_KEYS: readonly string[] = [
  ...'apparmor operation class profile label name name2 pid comm requested_mask denied_mask'.split(' '),
  ...'fsuid ouid uid gid auid ses exe subj type msg target info error capability capname'.split(' '),
  ...'family sock_type protocol addr peer peer_pid peer_label signal bus path interface member mask'.split(
    ' ',
  ),
  ...'arch syscall compat ip code sig hostname terminal sauid decision dev_type major minor access'.split(
    ' ',
  ),
];

/** COMMON_KEYS by length, then by first character. */
const KEYS_BY_LENGTH: readonly (readonly string[])[] = Array.from({ length: 16 }, (_, length) =>
  COMMON_KEYS.filter((key) => key.length === length),
);

/** The common key `text` holds from `start` to `end`, if it is one. */
function knownKeyAt(text: string, start: number, end: number): string | undefined {
  const candidates = KEYS_BY_LENGTH[end - start];
  if (candidates === undefined) return undefined;
  const first = text.charCodeAt(start);
  // Indexed, not for-of: a first sight runs this in the interpreter, where each for-of makes an iterator.
  for (let i = 0; i < candidates.length; i++) {
    const key = candidates[i]!;
    if (key.charCodeAt(0) === first && text.startsWith(key, start)) return key;
  }
  return undefined;
}

/*
 * The runs of characters are matched by sticky regular expressions, each a single character class
 * (linear, no backtracking, whatever the length): V8 runs them as machine code from their first
 * use, where a loop over charCodeAt runs in the interpreter until the function is optimised, and
 * a saved file's first sight of each denial is parsed before that (see bench/scanlog.mjs).
 */
/* eslint-disable no-control-regex -- 0x1d is auditd's separator of enriched fields */
const SEPARATOR_RUN = /[ \t\x1d\n\r]*/y;
const KEY_RUN = /[A-Za-z0-9_.-]*/y;
/** Up to the next separator: the rest of a word that is not key=value. */
const WORD_RUN = /[^ \t\x1d\n\r]*/y;
/** Up to a separator or a character that may start an escaped control character. */
const VALUE_RUN = /[^ \t\x1d\n\r#\\]*/y;
/* eslint-enable no-control-regex */

/** Where the run of `pattern` (sticky, matching maybe nothing) that starts at `from` ends. */
function runEnd(pattern: RegExp, text: string, from: number): number {
  pattern.lastIndex = from;
  pattern.test(text);
  return pattern.lastIndex;
}

/** Where the next word starts: past separators and escaped control characters. */
function nextWord(text: string, from: number): number {
  let i = runEnd(SEPARATOR_RUN, text, from);
  while (escapedControlAt(text, i)) i = runEnd(SEPARATOR_RUN, text, i + 4);
  return i;
}

/** Where a bare value ends: at a separator or an escaped control character. */
function valueEnd(text: string, from: number): number {
  let i = runEnd(VALUE_RUN, text, from);
  for (;;) {
    const code = text.charCodeAt(i);
    if ((code !== HASH && code !== BACKSLASH) || escapedControlAt(text, i)) return i;
    i = runEnd(VALUE_RUN, text, i + 1);
  }
}

/** Where the key that starts at `from` ends. */
function keyEnd(text: string, from: number): number {
  return runEnd(KEY_RUN, text, from);
}

/** Where the word that starts at `from` ends: at the next separator. */
function wordEnd(text: string, from: number): number {
  return runEnd(WORD_RUN, text, from);
}

/**
 * The scans tokenize() is made of, for the test that holds them to the character loops they
 * replaced (test/unit/parse/tokenize-reference.ts).
 */
export const TOKEN_SCANS = Object.freeze({ escapedControlAt, nextWord, valueEnd, keyEnd, wordEnd });

/** Splits audit text into fields. Never throws; problems are reported in `problem`. */
export function tokenize(text: string): Tokens {
  const fields = Object.create(NO_INHERITED_MEMBERS) as Record<string, string>;
  let nested: Tokens | undefined;
  let problem: string | undefined;
  let openSingleQuote = false;
  const length = text.length;
  let i = 0;

  while (i < length) {
    i = nextWord(text, i);
    if (i >= length) break;
    const keyStart = i;
    i = keyEnd(text, i);
    if (i === keyStart || i >= length || text.charCodeAt(i) !== EQUALS) {
      // A word that is not key=value (`user`, `AVC`, `(hostname=?,`): skip it.
      i = wordEnd(text, i);
      continue;
    }
    const key = knownKeyAt(text, keyStart, i) ?? text.slice(keyStart, i);
    i++; // '='
    const first = text.charCodeAt(i);
    let value: string;
    if (first === DOUBLE_QUOTE) {
      const close = text.indexOf('"', i + 1);
      if (close < 0) {
        problem ??= `unterminated quote in ${key}=`;
        value = text.slice(i + 1);
        i = length;
      } else {
        value = text.slice(i + 1, close);
        i = close + 1;
        if (value.charCodeAt(0) === AT && (key === 'addr' || key === 'peer_addr'))
          value = abstractAddress(value);
      }
    } else if (first === SINGLE_QUOTE) {
      const close = text.indexOf("'", i + 1);
      const inner = close < 0 ? text.slice(i + 1) : text.slice(i + 1, close);
      if (close < 0) openSingleQuote = true;
      i = close < 0 ? length : close + 1;
      value = inner;
      if (key === 'msg' && nested === undefined) {
        nested = tokenize(inner);
        if (nested.problem !== undefined) problem ??= `${nested.problem} (inside msg=)`;
      }
    } else {
      const start = i;
      i = valueEnd(text, i);
      value = text.slice(start, i);
      const suffixEnd = modeSuffixEnd(text, i);
      if (suffixEnd > 0) {
        value = text.slice(start, suffixEnd);
        i = suffixEnd;
      } else if (UNTRUSTED_KEYS.has(key) && value.length > 0 && value !== '?' && value !== 'none') {
        const decoded = decodeHex(value);
        if (decoded !== undefined) value = decoded;
        else if (isUpperHex(value)) problem ??= `${key}= holds hex that is not a UTF-8 string`;
      }
    }
    if (!(key in fields)) fields[key] = value;
  }

  if (nested === undefined && problem === undefined && !openSingleQuote) return { fields };
  const tokens: { fields: AuditFields; nested?: Tokens; problem?: string; openSingleQuote?: boolean } = {
    fields,
  };
  if (nested !== undefined) tokens.nested = nested;
  if (problem !== undefined) tokens.problem = problem;
  if (openSingleQuote) tokens.openSingleQuote = openSingleQuote;
  return tokens;
}
