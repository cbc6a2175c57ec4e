// ByteBatch gathers text as a string and encodes it in stretches: what it hands over must be the
// UTF-8 of every piece in order, whatever mix of text, pre-encoded bytes and takes it saw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteBatch } from '../../../src/output/byte-batch.js';

type Step = { readonly text: string } | { readonly bytes: string } | { readonly take: true };

/** Pieces as the writers append them: whole lines or blocks, each ending in a newline. */
const line = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('é', '€', '😀', '"\\')), {
    maxLength: 8,
  })
  .map((parts) => `${parts.join('')}\n`);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: line.map((text) => ({ text })) },
  { weight: 2, arbitrary: line.map((bytes) => ({ bytes })) },
  { weight: 1, arbitrary: fc.constant({ take: true as const }) },
);

describe('ByteBatch', () => {
  it('hands over the UTF-8 of every piece in order (text, bytes, takes; small and 64 KiB+ stretches)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 1, max: 4000 }), (steps, repeat) => {
        const batch = new ByteBatch(16);
        const expected: Buffer[] = [];
        const got: Buffer[] = [];
        for (const s of steps) {
          if ('take' in s) {
            got.push(Buffer.from(batch.take()));
          } else if ('text' in s) {
            // Some pieces long enough to cross the pending limit on their own or together.
            const text = s.text.length % 7 === 0 ? s.text.repeat(repeat) : s.text;
            batch.text(text);
            expected.push(Buffer.from(text, 'utf8'));
          } else {
            batch.bytes(Buffer.from(s.bytes, 'utf8'));
            expected.push(Buffer.from(s.bytes, 'utf8'));
          }
          expect(batch.length).toBeGreaterThanOrEqual(0);
        }
        got.push(Buffer.from(batch.take()));
        expect(Buffer.concat(got).equals(Buffer.concat(expected))).toBe(true);
        expect(batch.length).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('counts text not yet encoded in its length, so a writer flushes on time', () => {
    const batch = new ByteBatch();
    batch.text('x'.repeat(1000));
    expect(batch.length).toBe(1000);
    expect(batch.take().length).toBe(1000);
    expect(batch.length).toBe(0);
  });
});
