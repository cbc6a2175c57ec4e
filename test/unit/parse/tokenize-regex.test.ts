// tokenize()'s scans are sticky regular expressions (src/parse/tokenize.ts): each must end where
// the character loop it replaced (tokenize-reference.ts) ends, wherever it starts in any text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/parse/index.js';
import { TOKEN_SCANS } from '../../../src/parse/tokenize.js';
import { fuzzLines, mutate, Rng, seedLines } from '../../support/mutate.mjs';
import { REFERENCE_SCANS } from './tokenize-reference.js';

const SCANS = ['nextWord', 'valueEnd', 'keyEnd', 'wordEnd'] as const;

/** Every scan from `from` ends where its reference ends; names the first that does not. */
function sameAt(text: string, from: number): void {
  for (const scan of SCANS) {
    const got = TOKEN_SCANS[scan](text, from);
    const want = REFERENCE_SCANS[scan](text, from);
    if (got !== want) expect({ scan, text, from, end: got }).toEqual({ scan, text, from, end: want });
  }
}

/** The first places of each kind in a text: after a separator, quote, `=`, `#`, `\\` or parenthesis. */
const BOUNDARIES = 48;
/* eslint-disable-next-line no-control-regex -- 0x1d is auditd's separator of enriched fields */
const BOUNDARY = /[ \t\x1d\n\r="'#\\()]/g;

/**
 * Every scan from where tokenize() starts them in `text` (its start, its end, on and after its
 * first BOUNDARIES boundaries, 4 in a LONG text) and from 16 places drawn at random (none in a
 * LONG text). Not from every place: a scan runs to the end of its value, and fuzz lines hold
 * values of a megabyte.
 */
const same = (text: string): void => {
  sameAt(text, 0);
  sameAt(text, text.length);
  BOUNDARY.lastIndex = 0;
  const boundaries = text.length <= LONG ? BOUNDARIES : 4;
  for (let i = 0; i < boundaries && BOUNDARY.test(text); i++) {
    sameAt(text, BOUNDARY.lastIndex - 1);
    sameAt(text, BOUNDARY.lastIndex);
  }
  if (text.length <= LONG) for (let i = 0; i < 16; i++) sameAt(text, RNG.int(text.length + 1));
};
const RNG = new Rng(20261123);
/** Longer texts are scanned from fewer places: from one inside a megabyte value a scan runs a megabyte. */
const LONG = 4096;

/** The characters the tokenizer tells apart, and runs of them. */
const PIECES = [
  'a',
  'name',
  'msg',
  'addr',
  'subj',
  '=',
  '"',
  "'",
  ' ',
  '\t',
  '\n',
  '\r',
  '\x1d',
  '#',
  '#01',
  '#012',
  '#011',
  '#013',
  '\\',
  '\\x0',
  '\\x0a',
  '\\x09',
  '\\x0b',
  ' (enforce)',
  '(',
  ')',
  '@',
  'AB',
  '2F746D70',
  '\0',
  '.',
  '-',
  '_',
  'é',
  '\u{1f600}',
  '\ud800',
] as const;

describe('tokenize with regular expressions', () => {
  it('gives what the character loop gives on soups of the characters that matter', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }), (pieces) => same(pieces.join(''))),
      { numRuns: 20_000 },
    );
  });

  it('gives what the character loop gives on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => same(text)),
      { numRuns: 5_000 },
    );
  });

  it('gives what the character loop gives on 200,000 fuzz lines (real records mutated, noise)', () => {
    let records = 0;
    for (const line of fuzzLines({ seed: 20261123, count: 200_000 })) {
      if (line.includes('audit(')) records++;
      same(line);
    }
    expect(records).toBeGreaterThan(100_000);
  }, 120_000);

  it('gives what the character loop gives on every seed line and its mutations', () => {
    const rng = new Rng(7);
    for (const seed of seedLines()) {
      same(seed);
      for (let i = 0; i < 20; i++) same(mutate(seed, rng));
    }
  });

  it('reads values of megabytes (no backtracking)', () => {
    const huge = 'A'.repeat(8 << 20);
    const text = `pid=1 proctitle=${huge}#012x ${huge}=1 msg='${huge} name=#011' comm=x`;
    for (const from of [0, 6, 16, 16 + huge.length, text.indexOf('msg=') + 5]) sameAt(text, from);
    const tokens = tokenize(text);
    expect(tokens.fields.proctitle).toBe(huge);
    expect(tokens.fields[huge]).toBe('1');
    expect(tokens.nested?.fields.name).toBe('');
  });
});
