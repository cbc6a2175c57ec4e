import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archByName, type ArchInfo } from '../../../src/seccomp/arch.js';
import { decodeSeccompFile, encodeBin, encodeBin2 } from '../../../src/seccomp/bin2.js';
import {
  ACTION_ERRNO_EACCES,
  ACTION_ERRNO_EPERM,
  assemble,
  BPF_JA,
  BPF_JEQ,
  BPF_JMP,
  BPF_IMM,
  BPF_K,
  BPF_LD,
  BPF_RET,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_LOG,
  type AsmItem,
} from '../../../src/seccomp/bpf.js';
import { archRules, compileProfile } from '../../../src/seccomp/compile.js';
import { conditionHolds } from '../../../src/seccomp/explain.js';
import { parseProfile, type Profile } from '../../../src/seccomp/profile.js';
import { simulate } from '../../../src/seccomp/simulate.js';
import { syscallNames, syscallNumber } from '../../../src/seccomp/tables.js';
import { sharedPath } from '../../support/shared.js';

const NAMES = new Set(syscallNames());
const parse = (source: string): Profile =>
  parseProfile(source, {
    isKnownSyscall: (name) => NAMES.has(name),
    lookupUser: () => 0,
    lookupGroup: () => 0,
  });
const X86_64 = archByName('x86_64')!;
const X86 = archByName('x86')!;
const S390X = archByName('s390x')!;
const KILL = 0;

/** The action the profile's rules call for, evaluated directly (OR of rules, AND of conditions). */
function expected(profile: Profile, arch: ArchInfo, nr: number, args: bigint[]): number {
  const matches = (deny: boolean) =>
    archRules(
      profile.rules.filter((rule) => rule.deny === deny),
      arch,
    ).some(
      (rule) =>
        rule.nr === nr && rule.conditions.every((c) => conditionHolds(c, args[c.index] ?? 0n, arch.bits)),
    );
  return matches(false) ? SECCOMP_RET_ALLOW : profile.complain ? SECCOMP_RET_LOG : ACTION_ERRNO_EPERM;
}

describe('compileProfile', () => {
  it('checks the arch first, kills foreign arches and x32 numbers on x86_64', () => {
    const { allow } = compileProfile(parse('read\n'), { arch: 'x86_64' });
    const run = (arch: number, nr: number) => simulate(allow, { arch, nr, args: [] }).action;
    expect(run(X86_64.auditArch, 0)).toBe(SECCOMP_RET_ALLOW);
    expect(run(X86_64.auditArch, 1)).toBe(ACTION_ERRNO_EPERM);
    expect(run(X86_64.auditArch, 0x40000000)).toBe(KILL);
    expect(run(X86_64.auditArch, 0xffffffff)).toBe(ACTION_ERRNO_EPERM);
    expect(run(X86.auditArch, syscallNumber('x86', 'read')!)).toBe(SECCOMP_RET_ALLOW);
    expect(run(archByName('aarch64')!.auditArch, 63)).toBe(KILL);
  });

  it('uses LOG as the default in complain mode and keeps ~ rules in the deny filter', () => {
    const compiled = compileProfile(parse('@complain\nioctl\n~ioctl - TIOCSTI\n'), { arch: 'x86_64' });
    const ioctl = syscallNumber('x86_64', 'ioctl')!;
    const run = (program: typeof compiled.allow, nr: number, args: bigint[]) =>
      simulate(program, { arch: X86_64.auditArch, nr, args }).action;
    expect(run(compiled.allow, 0, [])).toBe(SECCOMP_RET_LOG);
    expect(run(compiled.allow, ioctl, [0n, 0x5412n])).toBe(SECCOMP_RET_ALLOW);
    expect(run(compiled.deny, ioctl, [0n, 0x5412n])).toBe(ACTION_ERRNO_EACCES);
    expect(run(compiled.deny, ioctl, [0n, 0x5413n])).toBe(SECCOMP_RET_ALLOW);
    expect(run(compiled.deny, 0, [])).toBe(SECCOMP_RET_ALLOW);
  });

  it('applies socket rules to socketcall on i386 with arg0 replaced by the call number', () => {
    const { allow } = compileProfile(parse('socket AF_INET\naccept\n'), { arch: 'x86_64' });
    const run = (name: string, args: bigint[]) =>
      simulate(allow, { arch: X86.auditArch, nr: syscallNumber('x86', name)!, args }).action;
    expect(run('socket', [2n])).toBe(SECCOMP_RET_ALLOW);
    expect(run('socket', [1n])).toBe(ACTION_ERRNO_EPERM);
    expect(run('socketcall', [1n, 0x1000n])).toBe(SECCOMP_RET_ALLOW);
    expect(run('socketcall', [5n])).toBe(SECCOMP_RET_ALLOW);
    expect(run('socketcall', [2n])).toBe(ACTION_ERRNO_EPERM);
  });

  it('matches a direct evaluation of the rules for random profiles and arguments (64/32-bit, both byte orders)', () => {
    const syscalls = ['read', 'ioctl', 'socket', 'setpriority', 'mmap', 'prctl', 'clone', 'chown', 'semget'];
    const value = fc.oneof(
      fc.integer({ min: 0, max: 4 }),
      fc.constantFrom(0x7fffffff, 0x80000000, 0xffffffff),
    );
    const token = fc.oneof(
      fc.constant('-'),
      fc.tuple(fc.constantFrom('', '!', '<', '<=', '>', '>=', '|'), value).map(([op, v]) => `${op}${v}`),
      fc.tuple(value, value).map(([m, v]) => `${m}|${v}`),
    );
    const line = fc
      .tuple(fc.boolean(), fc.constantFrom(...syscalls), fc.array(token, { maxLength: 4 }))
      .map(([deny, name, args]) =>
        name === 'chown'
          ? `chown ${args.map((a) => (/^\d+$/.test(a) ? a : '-')).join(' ')}`
          : `${deny ? '~' : ''}${name} ${args.join(' ')}`,
      );
    const argValue = fc.oneof(
      fc.integer({ min: 0, max: 5 }).map(BigInt),
      fc.constantFrom(0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000001n, 0xffffffffffffffffn),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    );
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.constantFrom(...syscalls),
        fc.array(argValue, { minLength: 6, maxLength: 6 }),
        (lines, complain, name, args) => {
          const profile = parse(`${complain ? '@complain\n' : ''}${lines.join('\n')}\n`);
          const compiled = compileProfile(profile, { arch: 'x86_64' });
          // s390x: a big-endian 64-bit arch whose sockets are also multiplexed.
          const bigEndian = compileProfile(profile, { arch: 's390x' });
          for (const [arch, program] of [
            [X86_64, compiled.allow],
            [X86, compiled.allow],
            [S390X, bigEndian.allow],
          ] as const) {
            for (const nr of archRules(profile.rules, arch)
              .map((r) => r.nr)
              .concat(syscallNumber(arch.name, name) ?? 0)) {
              const data = { arch: arch.auditArch, nr, args, littleEndian: arch.littleEndian };
              expect(simulate(program, data).action).toBe(expected(profile, arch, nr, args));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays within BPF_MAXINSNS for the template plus every snippet, and says so when a profile does not', () => {
    const fixtures = resolve(import.meta.dirname, '../../fixtures/seccomp');
    const sources = readdirSync(fixtures)
      .filter((file) => file.endsWith('.src'))
      .map((file) => readFileSync(join(fixtures, file), 'utf8'))
      .filter((source) => !source.includes('@unrestricted'));
    const template = readFileSync(sharedPath('reference', 'snapd-seccomp-default-template.txt'), 'utf8');
    const everything = compileProfile(parse([template, ...sources].join('\n')), { arch: 'x86_64' });
    expect(everything.allow.length).toBeLessThan(4096);
    const huge = parse(
      `${[...Array(1000).keys()].map((i) => `ioctl ${i} ${i} ${i} ${i} ${i}`).join('\n')}\n`,
    );
    expect(() => compileProfile(huge, { arch: 'x86_64' })).toThrow(
      /^compiled filter has \d+ instructions, more than 4096$/,
    );
  });

  it('rejects an unknown architecture', () => {
    expect(() => compileProfile(parse('read\n'), { arch: 'vax' })).toThrow("unknown architecture 'vax'");
  });
});

describe('assemble', () => {
  it('inserts a BPF_JA trampoline when a conditional jump is longer than 255', () => {
    const filler: AsmItem[] = [...Array(300).keys()].map(() => ({
      kind: 'stmt',
      code: BPF_RET | BPF_K,
      k: 1,
    }));
    const program = assemble([
      { kind: 'jump', code: BPF_JMP | BPF_JEQ | BPF_K, k: 5, t: 'far', f: 'near' },
      { kind: 'label', name: 'near' },
      ...filler,
      { kind: 'label', name: 'far' },
      { kind: 'stmt', code: BPF_RET | BPF_K, k: 2 },
    ]);
    expect(program[0]).toEqual({ code: BPF_JMP | BPF_JEQ | BPF_K, jt: 0, jf: 1, k: 5 });
    expect(program[1]).toEqual({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: 300 });
    expect(simulate(program, { nr: 0, arch: 0, args: [] }).action).toBe(1);
    const loadFive = { code: BPF_LD | BPF_IMM, jt: 0, jf: 0, k: 5 };
    expect(simulate([loadFive, ...program], { nr: 0, arch: 0, args: [] }).action).toBe(2);
  });
});

describe('.bin and .bin2', () => {
  const compiled = compileProfile(parse('read\n~write\n'), { arch: 'x86_64' });

  it('writes the 128-byte header, then allow, then deny', () => {
    const bytes = encodeBin2(compiled);
    expect([...bytes.subarray(0, 4)]).toEqual([0x53, 0x43, 1, 0]);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(8, true)).toBe(compiled.allow.length * 8);
    expect(view.getUint32(12, true)).toBe(compiled.deny.length * 8);
    expect(bytes.length).toBe(128 + 8 * (compiled.allow.length + compiled.deny.length));
    expect(decodeSeccompFile(bytes)).toEqual({
      format: 'bin2',
      unrestricted: false,
      allow: compiled.allow,
      deny: compiled.deny,
    });
  });

  it('writes unrestricted profiles as a bare header or the @unrestricted text', () => {
    const unrestricted = compileProfile(parse('@unrestricted\n'), { arch: 'x86_64' });
    const bin2 = encodeBin2(unrestricted);
    expect(bin2.length).toBe(128);
    expect(bin2[3]).toBe(1);
    expect(new TextDecoder().decode(encodeBin(unrestricted))).toBe('@unrestricted\n');
    expect(decodeSeccompFile(bin2)).toMatchObject({ format: 'bin2', unrestricted: true });
    expect(decodeSeccompFile(encodeBin(unrestricted))).toMatchObject({ format: 'bin', unrestricted: true });
  });

  it('refuses malformed files as snap-confine does', () => {
    const good = encodeBin2(compiled);
    const broken = (edit: (bytes: Uint8Array) => Uint8Array) => () => decodeSeccompFile(edit(good.slice()));
    expect(broken((b) => b.subarray(0, 100))).toThrow('file is 100 bytes, shorter than the 128-byte header');
    expect(broken((b) => ((b[2] = 2), b))).toThrow('unsupported header version 2');
    expect(broken((b) => b.subarray(0, b.length - 8))).toThrow(
      /^file is \d+ bytes, header says 128 \+ \d+ \+ \d+$/,
    );
    expect(
      broken(
        (b) => (
          new DataView(b.buffer).setUint32(12, 0, true),
          b.subarray(0, 128 + compiled.allow.length * 8)
        ),
      ),
    ).toThrow('empty filter in a restricted profile');
    expect(() => decodeSeccompFile(new Uint8Array(12))).toThrow(
      'BPF filter length 12 is not a multiple of 8',
    );
    expect(() => decodeSeccompFile(new Uint8Array())).toThrow('file is empty');
  });
});
