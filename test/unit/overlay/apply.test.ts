import { beforeAll, describe, expect, it } from 'vitest';
import {
  overlayApparmorRules,
  overlayDevices,
  overlayInterfaces,
  overlayNotes,
  overlaySeccomp,
} from '../../../src/overlay/apply.js';
import { emptyOverlay, type PolicyOverlay } from '../../../src/overlay/overlay.js';
import { compileProfile } from '../../../src/seccomp/compile.js';
import { parseProfile } from '../../../src/seccomp/profile.js';
import { simulate } from '../../../src/seccomp/simulate.js';
import { syscallNames, syscallNumber } from '../../../src/seccomp/tables.js';
import { requireArch } from '../../../src/seccomp/tables.js';
import { DEFAULT_DEVICES, seccompSource } from '../../../src/snap/policy.js';
import { loadRules, type RuleSet } from '../../../src/suggest/index.js';
import { readFileSync } from 'node:fs';

let rules: RuleSet;
beforeAll(() => {
  rules = loadRules('rules');
});

const overlay: PolicyOverlay = {
  snap: 'foo',
  unrestricted: false,
  entries: [
    { kind: 'interface', interface: 'log-observe', reason: 'r' },
    { kind: 'seccomp', line: 'ioprio_set', reason: 'r' },
    { kind: 'device', type: 'c', major: 1, minor: 11, node: '/dev/kmsg', reason: 'r' },
    { kind: 'device', type: 'c', major: 1, minor: 3, reason: 'r' },
    { kind: 'apparmor', rule: 'capability sys_module,', reason: 'r' },
  ],
};

describe('applying an overlay to the prepared policy', () => {
  it('connects its interfaces and names those rules/ lacks', () => {
    const fuse = rules.byId.get('fuse-support')!;
    const { interfaces, missing } = overlayInterfaces([fuse], overlay, rules);
    expect(interfaces.map((i) => i.id)).toEqual(['fuse-support', 'log-observe']);
    expect(missing).toEqual([]);
    const bad: PolicyOverlay = {
      ...overlay,
      entries: [{ kind: 'interface', interface: 'nope', reason: 'r' }],
    };
    expect(overlayInterfaces([], bad, rules).missing).toEqual(['nope']);
    expect(overlayInterfaces([fuse], undefined, rules).interfaces).toEqual([fuse]);
  });

  it('adds its devices once, marked with the overlay as origin', () => {
    const devices = overlayDevices(DEFAULT_DEVICES, overlay);
    expect(devices.length).toBe(DEFAULT_DEVICES.length + 1);
    expect(devices.at(-1)).toEqual({ type: 'c', major: 1, minor: 11, name: '/dev/kmsg', origin: 'overlay' });
  });

  it('appends its seccomp lines, and the compiled filter allows them', () => {
    const template = readFileSync('rules/seccomp/default.src', 'utf8');
    const base = seccompSource(template, [], { devmode: false, apparmor: false });
    const source = overlaySeccomp(base, overlay);
    expect(source).toBe(`${base}# overlay\nioprio_set\n`);
    const known = new Set(syscallNames());
    const action = (src: string): number => {
      const profile = parseProfile(src, {
        isKnownSyscall: (n) => known.has(n),
        lookupUser: () => 0,
        lookupGroup: () => 0,
      });
      const compiled = compileProfile(profile, { arch: 'x86_64' });
      const nr = syscallNumber('x86_64', 'ioprio_set')!;
      return simulate(compiled.allow, { arch: requireArch('x86_64').auditArch, nr, args: [] }).action;
    };
    const ERRNO_EPERM = 0x00050001;
    const ALLOW = 0x7fff0000;
    expect(action(base)).toBe(ERRNO_EPERM);
    expect(action(source)).toBe(ALLOW);
  });

  it('@unrestricted first when on; notes for it and for AppArmor rules not applied', () => {
    const on = { ...overlay, unrestricted: true };
    expect(overlaySeccomp('x\n', on).startsWith('@unrestricted\nx\n')).toBe(true);
    expect(parseProfile(overlaySeccomp('bind\n', on)).unrestricted).toBe(true);
    expect(overlayNotes(on, false, false)).toEqual([
      'overlay: seccomp is UNRESTRICTED (@unrestricted): no seccomp filter is enforced in this run',
      'AppArmor is not available: 1 overlay rule not applied',
    ]);
    expect(overlayNotes(overlay, false, true)).toEqual([
      'AppArmor profiles are not loaded by this launcher yet: 1 overlay rule not applied',
    ]);
    expect(overlayNotes(overlay, true, true)).toEqual([]);
    expect(overlayNotes(emptyOverlay('foo'), false, false)).toEqual([]);
    expect(overlayApparmorRules(overlay)).toEqual(['capability sys_module,']);
  });
});
