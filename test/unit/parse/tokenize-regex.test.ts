// tokenize()'s runs of characters are sticky regular expressions (src/parse/tokenize.ts): it must
// give exactly what the character loop it replaced gives (tokenize-reference.ts), on any text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/parse/index.js';
import { fuzzLines, mutate, Rng, seedLines } from '../../support/mutate.mjs';
import { tokenizeReference } from './tokenize-reference.js';

const same = (text: string): void => {
  expect(tokenize(text)).toStrictEqual(tokenizeReference(text));
};

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
      const audit = line.indexOf('audit(');
      same(line);
      if (audit >= 0) {
        records++;
        same(line.slice(audit));
      }
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
    same(text);
    expect(tokenize(text).fields.proctitle).toBe(huge);
  });
});
