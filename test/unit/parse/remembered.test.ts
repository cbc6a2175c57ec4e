// What the parser remembers by text (snap labels, seccomp codes, month words) gives what computing
// it afresh gives, on the labels and codes the fixtures hold and on generated ones.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseSnapLabel } from '../../../src/model/label.js';
import { snapLabelOf } from '../../../src/parse/label-cache.js';
import { monthNumber } from '../../../src/parse/months.js';
import { decodeSeccompCode, parseLineUncached } from '../../../src/parse/index.js';
import { isoFromMillis } from '../../../src/parse/time.js';
import { tokenize } from '../../../src/parse/tokenize.js';

const LABELS = [
  'snap.foo.bar',
  'snap.foo_key.bar',
  'snap.foo.hook.configure',
  'snap.foo.bar (enforce)',
  'snap.foo.bar (complain)',
  'snap.Foo.bar',
  'snap.foo',
  'unconfined',
  '/usr/bin/evince',
  '',
];
const labelText = fc.oneof(
  fc.constantFrom(...LABELS),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.stringMatching(/^[A-Za-z0-9._ ()-]{0,16}$/))
    .map(([snap, rest]) => `snap.${snap}.${rest}`),
  fc.string({ maxLength: 300 }),
);

describe('remembered by text', () => {
  test('snapLabelOf equals parseSnapLabel, first and later calls', () => {
    fc.assert(
      fc.property(labelText, (label) => {
        const fresh = parseSnapLabel(label);
        expect(snapLabelOf(label)).toEqual(fresh);
        expect(snapLabelOf(label)).toEqual(fresh);
      }),
      { numRuns: 3000 },
    );
  });

  test('a seccomp record decodes code= the same however often it is seen', () => {
    const codes = [
      '0x80000000',
      '0x50001',
      '0x00050026',
      '0x7ffc0000',
      '0x7fff0000',
      '0x3',
      'zz',
      '0x123456789',
    ];
    for (const code of codes) {
      const line = `audit: type=1326 audit(1.002:3): auid=1 uid=1 gid=1 ses=1 subj=snap.a.b pid=9 comm="b" exe="/x" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=${code}`;
      const expected = decodeSeccompCode(code);
      for (let i = 0; i < 3; i++) {
        const result = parseLineUncached(line, 'file');
        expect(result.kind).toBe('denial');
        if (result.kind !== 'denial') continue;
        expect({
          action: result.denial.action,
          decision: result.denial.decision,
          actionData: result.denial.actionData,
        }).toEqual({ action: expected.action, decision: expected.decision, actionData: expected.actionData });
      }
    }
    expect(tokenize('code=0x50001').fields.code).toBe('0x50001');
  });

  test('keys come out as logged, common or not, near misses included', () => {
    const common = [
      'pid',
      'comm',
      'name',
      'name2',
      'uid',
      'auid',
      'sig',
      'ip',
      'requested_mask',
      'peer_label',
    ];
    const key = fc.oneof(
      fc.constantFrom(...common),
      fc
        .tuple(fc.constantFrom(...common), fc.stringMatching(/^[a-z0-9_.-]{0,2}$/), fc.boolean())
        .map(([word, extra, before]) => (before ? extra + word : word + extra)),
      fc.stringMatching(/^[A-Za-z0-9_.-]{1,16}$/),
    );
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 6 }), (keys) => {
        const fields = tokenize(keys.map((k, i) => `${k}=v${i}`).join(' ')).fields;
        // Integer-like keys enumerate first in any object: compare with one built from the slices.
        const expected: Record<string, string> = Object.create(null) as Record<string, string>;
        keys.forEach((k, i) => (expected[k] ??= `v${i}`));
        expect(Object.keys(fields)).toEqual(Object.keys(expected));
        keys.forEach((k, i) => {
          if (keys.indexOf(k) === i) expect(fields[k]).toBe(`v${i}`);
        });
      }),
      { numRuns: 3000 },
    );
  });

  test('ISO times kept by day and second equal Date#toISOString, near and far apart', () => {
    const instant = fc.integer({ min: 0, max: 253_402_300_799_999 });
    const near = fc.tuple(
      instant,
      fc.array(fc.integer({ min: -200_000_000, max: 200_000_000 }), { maxLength: 30 }),
    );
    fc.assert(
      fc.property(near, ([start, steps]) => {
        let millis = start;
        for (const step of [0, ...steps]) {
          millis = Math.min(Math.max(millis + step, 0), 253_402_300_799_999);
          expect(isoFromMillis(millis)).toBe(new Date(millis).toISOString());
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('month words as written and in any case or normal form agree', () => {
    const cases: readonly [string, number | undefined][] = [
      ['Nov', 11],
      ['nov', 11],
      ['NOV', 11],
      ['Mär', 3],
      ['Ma\u0308r', 3],
      ['févr.', 2],
      ['Févr.', 2],
      ['dic', 12],
      ['Paź', 10],
      ['Xyz', undefined],
      ['', undefined],
    ];
    for (const [word, month] of cases) expect(monthNumber(word), word).toBe(month);
  });
});
