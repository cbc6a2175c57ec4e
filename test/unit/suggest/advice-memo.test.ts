import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { adviceApplies, applicableAdvice, type AdviceContext } from '../../../src/suggest/advice.js';
import { loadRules } from '../../../src/suggest/index.js';
import { variablesFor } from '../../../src/suggest/variables.js';

const ROOT = join(import.meta.dirname, '../../..');
const rules = loadRules();
const namer = new Enricher();

/** Every sample line of the advice rules, as denials: the lines their conditions were written for. */
const samples: Denial[] = readdirSync(join(ROOT, 'rules/advice'))
  .flatMap((name) => readFileSync(join(ROOT, 'rules/advice', name), 'utf8').split('\n'))
  .map((line) => line.replace(/^\s*-\s*['"]?/, '').replace(/['"]\s*$/, ''))
  .filter((line) => /apparmor=|type=1326/.test(line))
  .flatMap((line) => {
    const parsed = parseLine(line);
    return parsed.kind === 'denial' ? [namer.enrich(parsed.denial)] : [];
  });

function context(denial: Denial, interfaceMatched: boolean, ownInterfaceMatched: boolean): AdviceContext {
  return { denial, variables: variablesFor(denial), interfaceMatched, ownInterfaceMatched };
}

describe('advice conditions worked out once per combination of field values', () => {
  it('give what every rule checked in full gives, memo hits included', () => {
    expect(samples.length).toBeGreaterThan(40);
    const fields = fc.record(
      {
        snap: fc.constantFrom('foo', 'lxd', undefined),
        deniedMask: fc.constantFrom('r', 'w', 'rw', 'x', 'wc', 'send', 'receive', undefined),
        fsuid: fc.constantFrom(0, 1000, undefined),
        ouid: fc.constantFrom(0, 1000, undefined),
        path: fc.constantFrom(
          '/home/u/.config/x',
          '/etc/passwd',
          '/proc/12/maps',
          '/snap/foo/1/x',
          undefined,
        ),
        peerLabel: fc.constantFrom('unconfined', 'snap.foo.app', 'snap.lxd.daemon', undefined),
        operation: fc.constantFrom('open', 'capable', 'connect', 'dbus_method_call', undefined),
      },
      { requiredKeys: [] },
    );
    let applied = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fields,
        fc.boolean(),
        fc.boolean(),
        (sample, changes, interfaceMatched, ownInterfaceMatched) => {
          for (const denial of [sample, { ...sample, ...changes } as Denial]) {
            const ctx = context(denial, interfaceMatched, ownInterfaceMatched);
            const found = applicableAdvice(rules.advice, ctx);
            expect(found.map((rule) => rule.id)).toEqual(
              rules.advice.filter((rule) => adviceApplies(rule.when, ctx)).map((rule) => rule.id),
            );
            applied += found.length;
          }
        },
      ),
      { numRuns: 3_000 },
    );
    expect(applied).toBeGreaterThan(1_000);
  });
});
