import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { syscallNames } from '../../../src/seccomp/tables.js';
import { candidateRules } from '../../../src/suggest/candidates.js';
import { loadRules } from '../../../src/suggest/index.js';
import { matchContext } from '../../../src/suggest/match-types.js';
import type { InterfaceRule } from '../../../src/suggest/rules.js';
import { variablesFor } from '../../../src/suggest/variables.js';

// The rules a syscall or capability denial is tried against come from indexes made in one pass
// over the rule set (candidates.ts): each list must be the rules the plain test keeps, in order.
const rules = loadRules();
const variables = variablesFor({ snap: 'foo' });

function candidatesFor(denial: Partial<Denial>): readonly InterfaceRule[] {
  return candidateRules(matchContext(denial as Denial, variables), rules.interfaces);
}

const seccompDenial = (name: string): Partial<Denial> => ({
  kind: 'seccomp',
  label: 'snap.foo.app',
  snap: 'foo',
  syscall: { number: 1, auditArch: 'c000003e', compat: 0, arch: 'x86_64', name },
});
const capabilityDenial = (capname: string): Partial<Denial> => ({
  kind: 'apparmor',
  label: 'snap.foo.app',
  snap: 'foo',
  operation: 'capable',
  class: 'cap',
  capname,
});

describe('candidate rules of syscall and capability denials', () => {
  const ruleSyscalls = rules.interfaces.flatMap((rule) => rule.seccomp.map((line) => line.syscall));
  const ruleCapabilities = rules.interfaces.flatMap((rule) => rule.capability);

  it('are, for every syscall of the table and the rules, the rules with a seccomp line for it', () => {
    const names = new Set([...syscallNames('x86_64'), ...ruleSyscalls, 'no_such_call', '__proto__']);
    expect(ruleSyscalls.length).toBeGreaterThan(100);
    for (const name of names) {
      expect(candidatesFor(seccompDenial(name)), name).toEqual(
        rules.interfaces.filter((rule) => rule.seccomp.some((line) => line.syscall === name)),
      );
    }
  });

  it('are, for every capability the rules name and others, the rules granting it or every one', () => {
    const names = new Set([...ruleCapabilities, 'sys_admin', 'no_such_cap', 'constructor', '*']);
    expect(rules.interfaces.some((rule) => rule.capability.includes('*'))).toBe(true);
    for (const name of names) {
      expect(candidatesFor(capabilityDenial(name)), name).toEqual(
        rules.interfaces.filter((rule) => rule.capability.includes(name) || rule.capability.includes('*')),
      );
    }
  });

  it('agree with the plain test on random names', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (name) => {
        expect(candidatesFor(seccompDenial(name))).toEqual(
          rules.interfaces.filter((rule) => rule.seccomp.some((line) => line.syscall === name)),
        );
        expect(candidatesFor(capabilityDenial(name))).toEqual(
          rules.interfaces.filter((rule) => rule.capability.includes(name) || rule.capability.includes('*')),
        );
      }),
      { numRuns: 200 },
    );
  });
});
