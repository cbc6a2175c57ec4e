import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_ERRNO_EACCES, ACTION_ERRNO_EPERM, SECCOMP_RET_ALLOW } from '../../../src/seccomp/bpf.js';
import { describeCondition, explainCall } from '../../../src/seccomp/explain.js';
import { parseProfile, type Profile } from '../../../src/seccomp/profile.js';
import { syscallNames, syscallNumber } from '../../../src/seccomp/tables.js';
import { sharedPath } from '../../support/shared.js';

const NAMES = new Set(syscallNames());
const parse = (source: string): Profile =>
  parseProfile(source, {
    isKnownSyscall: (name) => NAMES.has(name),
    lookupUser: () => 0,
    lookupGroup: () => 0,
  });
const TEMPLATE = parse(readFileSync(sharedPath('reference', 'snapd-seccomp-default-template.txt'), 'utf8'));
const lineOf = (text: string): number => TEMPLATE.rules.find((rule) => rule.text === text)!.line;
const explain = (syscall: string | number, args: bigint[] = [], callArch?: string, profile = TEMPLATE) =>
  explainCall(profile, { arch: 'x86_64', syscall, args, ...(callArch ? { callArch } : {}) });

describe('explainCall', () => {
  it('names the rule that allows a call', () => {
    const result = explain('socket', [1n]);
    expect(result).toMatchObject({ allowed: true, action: SECCOMP_RET_ALLOW, syscall: 'socket', nr: 41 });
    expect(result.text).toBe(
      `allowed: socket(1) on x86_64 — line ${lineOf('socket AF_UNIX')} 'socket AF_UNIX'`,
    );
  });

  it('lists the rules that did not match, with the condition that failed', () => {
    const result = explainCall(TEMPLATE, {
      arch: 'x86_64',
      syscall: 'socket',
      args: [16n],
      argLabels: ['AF_NETLINK'],
    });
    expect(result.allowed).toBe(false);
    expect(result.action).toBe(ACTION_ERRNO_EPERM);
    expect(result.failed).toHaveLength(40);
    expect(result.text).toBe(
      `denied (EPERM): socket(AF_NETLINK) on x86_64 — no rule allows it; ` +
        `line ${lineOf('socket AF_UNIX')} 'socket AF_UNIX' requires arg0 == 1 (AF_UNIX); ` +
        `line ${lineOf('socket AF_LOCAL')} 'socket AF_LOCAL' requires arg0 == 1 (AF_LOCAL); ` +
        `line ${lineOf('socket AF_INET')} 'socket AF_INET' requires arg0 == 2 (AF_INET); ` +
        `37 more 'socket' rules do not match`,
    );
  });

  it('names the ~ rule that denies a call with EACCES', () => {
    const result = explain('ioctl', [0n, 0x5412n]);
    expect(result).toMatchObject({ allowed: false, action: ACTION_ERRNO_EACCES });
    expect(result.text).toBe(
      `denied (EACCES): ioctl(0, 21522) on x86_64 — line ${lineOf('~ioctl - TIOCSTI')} '~ioctl - TIOCSTI' denies it`,
    );
  });

  it('explains compat calls, including socketcall on i386', () => {
    expect(explain('socketcall', [1n, 0n], 'x86').text).toBe(
      `allowed: socketcall(1, 0) on x86 — line ${lineOf('socket AF_UNIX')} 'socket AF_UNIX'`,
    );
    expect(explain(syscallNumber('x86', 'unshare')!, [0n], 'x86').text).toBe(
      'denied (EPERM): unshare(0) on x86 — no rule allows it',
    );
  });

  it('says when complain mode only logs, and when the profile is unrestricted', () => {
    expect(explain('unshare', [0n], undefined, parse('@complain\nread\n')).text).toBe(
      'allowed (logged): unshare(0) on x86_64 — no rule allows it (complain mode: logged only)',
    );
    expect(explain('unshare', [], undefined, parse('@unrestricted\n')).text).toBe(
      'allowed: unshare() on x86_64 — the profile is @unrestricted',
    );
  });

  it('describes every kind of condition', () => {
    const [rule] = parse('setpriority >=1 <=2 !3 <4 >PRIO_USER |S_IFREG\n').rules;
    expect(rule!.conditions.map(describeCondition)).toEqual([
      'arg0 >= 1',
      'arg1 <= 2',
      'arg2 != 3',
      'arg3 < 4',
      'arg4 > 2 (PRIO_USER)',
      '(arg5 & 0x8000) == 0x8000 (S_IFREG)',
    ]);
  });

  it('agrees with the compiled filters on every syscall of x86_64 and i386', () => {
    const argSets = [[], [0n, 0x5412n], [1n, 1n, 0n], [16n, 0n, 0n], [0n, 0n, 20n]];
    let checked = 0;
    for (const arch of ['x86_64', 'x86']) {
      for (const name of syscallNames(arch)) {
        for (const args of argSets) {
          const result = explain(name, args, arch);
          const decider = result.decidedBy;
          if (result.action === SECCOMP_RET_ALLOW) expect(decider?.deny, `${arch} ${name}`).toBe(false);
          else if (result.action === ACTION_ERRNO_EACCES) expect(decider?.deny, `${arch} ${name}`).toBe(true);
          else expect([result.action, decider], `${arch} ${name}`).toEqual([ACTION_ERRNO_EPERM, undefined]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(4000);
  });

  it('rejects names and numbers that are not syscalls on the arch', () => {
    expect(() => explain('frobnicate')).toThrow("'frobnicate' is not a syscall on x86_64");
    expect(() => explain(5000)).toThrow('5000 is not a syscall number on x86_64');
    expect(() => explain('read', [], 'arm')).toThrow('the filter for x86_64 does not cover arm');
  });
});
