// Property tests of the audit key=value tokenizer: arbitrary text and mutated real records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAuditValue, tokenize, type Tokens } from '../../../src/parse/index.js';
import { mutate, Rng, seedLines } from '../../support/mutate.mjs';

const SEEDS = seedLines();
/** Any Unicode string without lone surrogates (cheaper to generate than fast-check's binary unit). */
const ANY_STRING = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.integer({ min: 0, max: 0x1f }),
      fc.integer({ min: 0x80, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff),
    ),
    { maxLength: 80 },
  )
  .map((codes) => String.fromCodePoint(...codes));
/** Bytes read as UTF-8 (invalid sequences become U+FFFD, as a log reader decodes them) or Latin-1. */
const ARBITRARY_TEXT = fc
  .tuple(fc.uint8Array({ maxLength: 400 }), fc.boolean())
  .map(([bytes, utf8]) => Buffer.from(bytes).toString(utf8 ? 'utf8' : 'latin1'));
const KEY = /^[A-Za-z0-9_.-]+$/;
const UNTRUSTED_SAMPLE = ['name', 'comm', 'exe', 'profile', 'label', 'peer', 'addr', 'proctitle'];

function hexOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex').toUpperCase();
}

/** Every key was written as `key=` in the text, and every value was written there too (as is, or in hex). */
function checkNothingInvented(text: string, tokens: Tokens): void {
  for (const key in tokens.fields) {
    const value = tokens.fields[key]!;
    if (!KEY.test(key) || !text.includes(`${key}=`)) throw new Error(`invented key ${JSON.stringify(key)}`);
    const written =
      text.includes(value) || text.includes(hexOf(value)) || text.includes(hexOf(value.slice(1)));
    if (!written) throw new Error(`value of ${key} is not in the text: ${JSON.stringify(value)}`);
  }
  if (tokens.problem !== undefined && /[\n\r]/.test(tokens.problem)) throw new Error('problem spans lines');
  if (tokens.nested) checkNothingInvented(text, tokens.nested);
}

describe('tokenize (fuzz)', { timeout: 30_000 }, () => {
  it('never throws on arbitrary text and invents no key or value', () => {
    fc.assert(
      fc.property(ARBITRARY_TEXT, (text) => {
        checkNothingInvented(text, tokenize(text));
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws on key=value soup built from the characters that matter', () => {
    const piece = fc.constantFrom(
      'a',
      'name',
      '=',
      '"',
      "'",
      ' ',
      'msg=',
      '(',
      ')',
      '#012',
      '\\x0a',
      '\x1d',
      'AB',
      '@',
      '\0',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        checkNothingInvented(text, tokenize(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated real records: no throw, nothing invented', () => {
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.integer(), (index, seed) => {
        const text = mutate(SEEDS[index]!, new Rng(seed));
        checkNothingInvented(text, tokenize(text));
      }),
      { numRuns: 2500 },
    );
  });

  it('a value written the kernel way (quoted or hex) reads back unchanged', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...UNTRUSTED_SAMPLE),
        ANY_STRING.filter((v) => !v.startsWith('@')),
        (key, value) => {
          const { fields, problem } = tokenize(`pid=1 ${key}=${encodeAuditValue(value)} uid=0`);
          expect(problem).toBeUndefined();
          expect(fields[key]).toBe(value);
          expect(fields.pid).toBe('1');
          expect(fields.uid).toBe('0');
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('first occurrence wins when a key is repeated', () => {
    fc.assert(
      // x-prefixed: digits after an untrusted key (name=) are hex, as the kernel means them.
      fc.property(fc.stringMatching(/^x[a-z]{0,8}$/), fc.nat(), fc.nat(), (key, a, b) => {
        expect(tokenize(`${key}=${a} ${key}=${b}`).fields[key]).toBe(String(a));
      }),
      { numRuns: 500 },
    );
  });
});
