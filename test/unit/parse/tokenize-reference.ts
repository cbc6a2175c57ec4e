/**
 * The character loops tokenize()'s scans were before they became sticky regular expressions
 * (commit 2130b1b), kept as the reference tokenize-regex.test.ts holds src/parse/tokenize.ts's
 * TOKEN_SCANS to. The rest of tokenize() did not change.
 */
import { TOKEN_SCANS } from '../../../src/parse/tokenize.js';

const { escapedControlAt } = TOKEN_SCANS;
const HASH = 0x23;
const BACKSLASH = 0x5c;

function isSeparator(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x1d || code === 0x0a || code === 0x0d;
}

function isKeyChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x5f || // _
    code === 0x2d || // -
    code === 0x2e // .
  );
}

function nextWord(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isSeparator(code)) i++;
    else if ((code === HASH || code === BACKSLASH) && escapedControlAt(text, i)) i += 4;
    else break;
  }
  return i;
}

function valueEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isSeparator(code) || ((code === HASH || code === BACKSLASH) && escapedControlAt(text, i))) break;
    i++;
  }
  return i;
}

function keyEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isKeyChar(text.charCodeAt(i))) i++;
  return i;
}

function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !isSeparator(text.charCodeAt(i))) i++;
  return i;
}

export const REFERENCE_SCANS = { nextWord, valueEnd, keyEnd, wordEnd } as const;
