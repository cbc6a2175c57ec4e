// A generated copier must give exactly the template with the replaced members overwritten: same
// prototype, members, order and values, for any member names a record or a logged field list has.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copierFor, REPLACEABLE, type Replaceable } from '../../../src/parse/record-copy.js';

const name = fc.oneof(
  fc.constantFrom(...REPLACEABLE, 'kind', 'constructor', 'toString', '0', '17', 'a-b', 'é', '"q"', '\\', ''),
  fc.string({ maxLength: 6 }),
);

/** As the tokenizer's fields objects have: a frozen object without a prototype. */
const FROZEN_NULL: object = Object.freeze(Object.create(null) as object);

describe('record copier', () => {
  it('copies like a spread with the replaced members overwritten, in the same order', () => {
    // Copiers are kept for a bounded number of member lists: beyond it callers spread instead.
    let checked = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { maxLength: 12 }),
        fc.constantFrom<'plain' | 'null' | 'frozen-null'>('plain', 'null', 'frozen-null'),
        fc.subarray([...REPLACEABLE]),
        fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), { minLength: 8, maxLength: 8 }),
        (keys, prototypeKind, replacedList, values) => {
          const prototype =
            prototypeKind === 'plain' ? Object.prototype : prototypeKind === 'null' ? null : FROZEN_NULL;
          const template = Object.create(prototype) as Record<string, unknown>;
          keys.forEach((key, i) => {
            template[key] = `t${i}`;
          });
          const replaced = new Set<Replaceable>(replacedList);
          const copier = copierFor(template, replaced);
          if (keys.includes('__proto__')) {
            expect(copier).toBeUndefined();
            return;
          }
          if (copier === undefined) return;
          checked++;
          const expected = Object.assign(Object.create(prototype) as Record<string, unknown>, template);
          REPLACEABLE.forEach((member, i) => {
            if (replaced.has(member) && member in template) expected[member] = values[i];
          });
          const copy = copier(
            template,
            ...(values as [unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown]),
          );
          expect(Object.keys(copy)).toEqual(Object.keys(expected));
          expect(Object.getPrototypeOf(copy)).toBe(prototype);
          expect(copy).toStrictEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
    expect(checked).toBeGreaterThan(200);
  });
});
