import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProfile, ProfileError, type ParseOptions } from '../../../src/seccomp/profile.js';
import { syscallNames } from '../../../src/seccomp/tables.js';
import { sharedPath } from '../../support/shared.js';

const NAMES = new Set(syscallNames());
const OPTIONS: ParseOptions = {
  file: 'test.src',
  isKnownSyscall: (name) => NAMES.has(name),
  lookupUser: (name) => ({ root: 0, daemon: 1 })[name],
  lookupGroup: (name) => ({ root: 0, audio: 29 })[name],
};
const parse = (source: string) => parseProfile(source, OPTIONS);
const errorOf = (source: string): string => {
  try {
    parse(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ProfileError);
    return (error as Error).message;
  }
  throw new Error('expected a ProfileError');
};

describe('parseProfile', () => {
  it('reads syscall names, skips comments and empty lines, and keeps line numbers', () => {
    const profile = parse('# comment\n\nread\nwrite\n');
    expect(profile.rules.map((r) => [r.line, r.syscall, r.conditions.length])).toEqual([
      [3, 'read', 0],
      [4, 'write', 0],
    ]);
    expect(profile).toMatchObject({ unrestricted: false, complain: false, warnings: [] });
  });

  it('parses every argument form', () => {
    const [rule] = parse('setpriority >=1 <=2 !3 <4 >5 |6\n').rules;
    expect(rule!.conditions.map((c) => [c.index, c.op, c.value, c.mask])).toEqual([
      [0, 'ge', 1n, undefined],
      [1, 'le', 2n, undefined],
      [2, 'ne', 3n, undefined],
      [3, 'lt', 4n, undefined],
      [4, 'gt', 5n, undefined],
      [5, 'masked-eq', 6n, 6n],
    ]);
    const [masked] = parse('ioctl - 4294967295|TIOCSTI\n').rules;
    expect(masked!.conditions).toEqual([
      { index: 1, op: 'masked-eq', value: 0x5412n, mask: 0xffffffffn, token: '4294967295|TIOCSTI' },
    ]);
  });

  it('resolves symbols, skips "-" and keeps argument positions', () => {
    const [rule] = parse('socket AF_NETLINK - NETLINK_ROUTE\n').rules;
    expect(rule!.conditions.map((c) => [c.index, c.op, c.value])).toEqual([
      [0, 'eq', 16n],
      [2, 'eq', 0n],
    ]);
  });

  it('resolves u:NAME and g:NAME through the lookup functions', () => {
    const [rule] = parse('fchownat - - u:daemon g:audio\n').rules;
    expect(rule!.conditions.map((c) => [c.index, c.value])).toEqual([
      [2, 1n],
      [3, 29n],
    ]);
  });

  it('compares the chown/set*id family on the low 32 bits, negative numbers included', () => {
    const [rule] = parse('chown - u:root -1\n').rules;
    expect(rule!.conditions.map((c) => [c.op, c.mask, c.value])).toEqual([
      ['masked-eq', 0xffffffffn, 0n],
      ['masked-eq', 0xffffffffn, 0xffffffffn],
    ]);
  });

  it('marks ~ rules as denies and finds @complain and @unrestricted', () => {
    const profile = parse('@complain\n~ioctl - TIOCSTI\nioctl\n');
    expect(profile.complain).toBe(true);
    expect(profile.rules.map((r) => [r.syscall, r.deny])).toEqual([
      ['ioctl', true],
      ['ioctl', false],
    ]);
    const unrestricted = parse('@unrestricted\nread\nnot-parsed - x|y|z\n');
    expect(unrestricted).toMatchObject({ unrestricted: true, rules: [] });
  });

  it('warns about and skips unknown syscalls without reading their arguments', () => {
    const profile = parse('frobnicate BOGUS\nread\n');
    expect(profile.rules.map((r) => r.syscall)).toEqual(['read']);
    expect(profile.warnings).toEqual([{ line: 1, message: "unknown syscall 'frobnicate' ignored" }]);
  });

  it('rejects bad input with FILE:LINE: messages', () => {
    expect(errorOf('read\nread 1 2 3 4 5 6 7\n')).toBe(
      "test.src:2: too many arguments for 'read': 7 given, at most 6",
    );
    expect(errorOf('socket AF_BOGUS\n')).toBe(
      "test.src:1: argument 0 of 'socket': 'AF_BOGUS' is neither a decimal number nor a known constant",
    );
    expect(errorOf('socket 0x10\n')).toBe(
      "test.src:1: argument 0 of 'socket': '0x10' is neither a decimal number nor a known constant",
    );
    expect(errorOf('socket -1\n')).toBe(
      "test.src:1: argument 0 of 'socket': negative value '-1' is not allowed for 'socket'",
    );
    expect(errorOf('socket 4294967296\n')).toBe(
      "test.src:1: argument 0 of 'socket': '4294967296' does not fit in 32 bits",
    );
    expect(errorOf('ioctl - 1|2|3\n')).toBe(
      "test.src:1: argument 1 of 'ioctl': masked value '1|2|3' must be MASK|VALUE",
    );
    expect(errorOf('chown - >5\n')).toBe(
      "test.src:1: argument 1 of 'chown': only equality is supported, not '>5'",
    );
    expect(errorOf('chown - u:nobody-here\n')).toBe(
      "test.src:1: argument 1 of 'chown': unknown user 'nobody-here'",
    );
    expect(errorOf('chown - - g:Bad\n')).toBe(
      "test.src:1: argument 2 of 'chown': 'Bad' is not a valid group name",
    );
    expect(errorOf('read\n   \n')).toBe('test.src:2: line holds only whitespace');
  });

  it('parses both shipped default templates', () => {
    for (const name of ['snapd-seccomp-default-template.txt', 'snapd-seccomp-default-template-2.57.txt']) {
      const profile = parse(readFileSync(sharedPath('reference', name), 'utf8'));
      expect(profile.rules.length).toBeGreaterThan(350);
    }
    const current = parse(
      readFileSync(sharedPath('reference', 'snapd-seccomp-default-template.txt'), 'utf8'),
    );
    expect(current.rules.filter((r) => r.deny)).toHaveLength(28);
  });
});
