import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { sharingKey } from '../../../src/suggest/pid-sharing.js';

// sharingKey is what two /proc/PID/ denials must share for one to take the other's answers. Two must get the same key
// exactly when the plain encoding (every value through JSON.stringify, field by field) is the same.
function plainKey(denial: Record<string, unknown>, afterPid: string): string {
  const fields = Object.keys(denial).filter((name) => !['raw', 'pid', 'comm'].includes(name));
  return JSON.stringify(
    fields.map((name) => [name, name === 'path' ? afterPid : denial[name]]),
    (_, v: unknown) => (typeof v === 'number' ? `number ${String(v)}` : v === undefined ? 'undefined' : v),
  );
}

/** Strings made of the characters the key itself uses, so that runs into each other would show. */
const tricky = fc.string({
  unit: fc.constantFrom('s', '1', '2', ':', ';', 'a', '"', '\\', 'n'),
  maxLength: 6,
});
const value = fc.oneof(
  tricky,
  fc.constantFrom(0, 1, 12, -1, Number.NaN, null, undefined, true, false, '1', 'n1', 's1:a'),
);
const denial = fc.record(
  {
    operation: value,
    label: value,
    snap: value,
    path: fc.constant('/proc/1/x'),
    requestedMask: value,
    raw: tricky,
    pid: fc.integer(),
  },
  { requiredKeys: ['path'] },
);

describe('the key of a /proc/PID/ denial shape', () => {
  it('is the same for two denials exactly when their fields (but the unread ones) are', () => {
    fc.assert(
      fc.property(denial, denial, tricky, tricky, (a, b, afterA, afterB) => {
        const same = sharingKey(a as Denial, afterA) === sharingKey(b as Denial, afterB);
        expect(same).toBe(plainKey(a, afterA) === plainKey(b, afterB));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps apart strings that would run into the next field', () => {
    const one = { operation: 'a;label:s1:b', label: 'c', path: '/proc/1/x' } as unknown as Denial;
    const two = { operation: 'a', label: 'b;label:s1:c', path: '/proc/1/x' } as unknown as Denial;
    expect(sharingKey(one, '/x')).not.toBe(sharingKey(two, '/x'));
    expect(sharingKey({ ouid: 1 } as Denial, '')).not.toBe(
      sharingKey({ ouid: '1' } as unknown as Denial, ''),
    );
  });
});
