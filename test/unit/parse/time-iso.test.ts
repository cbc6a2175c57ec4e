import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoFromMillis } from '../../../src/parse/time.js';

describe('isoFromMillis', () => {
  it('is Date#toISOString for every instant, in any order of calls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -8.64e15, max: 8.64e15 }), { minLength: 1, maxLength: 20 }),
        (all) => {
          for (const millis of all) expect(isoFromMillis(millis)).toBe(new Date(millis).toISOString());
        },
      ),
    );
    for (const millis of [
      0, 999, 1000, 1_763_805_600_001, 1_763_805_600_999, 1_763_805_601_000, 253_402_300_799_999,
    ])
      expect(isoFromMillis(millis)).toBe(new Date(millis).toISOString());
    expect(isoFromMillis(1.5)).toBe(new Date(1.5).toISOString());
  });

  it('is undefined out of range', () => {
    expect(isoFromMillis(Number.NaN)).toBeUndefined();
    expect(isoFromMillis(8.64e15 + 1)).toBeUndefined();
  });
});
