import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CSV,
  DEFAULT_OUT,
  generateSyscallTables,
  parseSyscallCsv,
} from '../../../scripts/gen-syscall-tables.mjs';
import {
  ARCHES,
  archByAudit,
  archByName,
  compatArches,
  nativeArch,
  parseAuditArch,
} from '../../../src/seccomp/arch.js';
import { PSEUDO_NUMBERS, SYSCALL_ROWS, TABLE_NAMES } from '../../../src/seccomp/generated/syscalls.js';
import {
  pseudoSyscallNumber,
  rawSyscallNumber,
  syscallName,
  syscallNames,
  syscallNumber,
} from '../../../src/seccomp/tables.js';

const csv = readFileSync(DEFAULT_CSV, 'utf8');

describe('generated syscall table', () => {
  it('is what the generator makes from the CSV today', async () => {
    expect(await generateSyscallTables(csv)).toBe(readFileSync(DEFAULT_OUT, 'utf8'));
  });

  it('has every CSV row and architecture column', () => {
    const parsed = parseSyscallCsv(csv);
    expect(parsed.rows).toHaveLength(508);
    expect(SYSCALL_ROWS).toHaveLength(508);
    expect([...TABLE_NAMES]).toEqual(parsed.tables);
    expect(TABLE_NAMES).toHaveLength(18);
  });

  it('has a pseudo number for every name some architecture lacks, and only for known names', () => {
    const names = new Set(syscallNames());
    for (const name of PSEUDO_NUMBERS.keys()) expect(names.has(name), name).toBe(true);
    for (const row of SYSCALL_ROWS) {
      if (row.slice(1).includes(null)) expect(PSEUDO_NUMBERS.has(row[0]), row[0]).toBe(true);
    }
    expect(pseudoSyscallNumber('socket')).toBe(-101);
    expect(pseudoSyscallNumber('open')).toBe(-10166);
    expect(pseudoSyscallNumber('set_tls')).toBe(-10183);
    expect(pseudoSyscallNumber('read')).toBeUndefined();
  });

  it('rejects a malformed CSV with a message naming the line', () => {
    const header = csv.split('\n')[0];
    expect(() => parseSyscallCsv('name,x86\n')).toThrow('first line does not start with "#syscall"');
    expect(() => parseSyscallCsv(`${header}\nread,3\n`)).toThrow('line 2 has 2 cells');
    const bad = `read${',x'.repeat(36)}`;
    expect(() => parseSyscallCsv(`${header}\n${bad}\n`)).toThrow('line 2, x86: bad number "x"');
  });
});

describe('architectures', () => {
  it('knows the audit arch constants', () => {
    const audit = Object.fromEntries(ARCHES.map((a) => [a.name, a.auditArch.toString(16).padStart(8, '0')]));
    expect(audit).toEqual({
      x86: '40000003', x86_64: 'c000003e', x32: 'c000003e', arm: '40000028', aarch64: 'c00000b7',
      loongarch64: 'c0000102', m68k: '00000004', mips: '00000008', mipsel: '40000008', mips64: '80000008',
      mipsel64: 'c0000008', mips64n32: 'a0000008', mipsel64n32: 'e0000008', parisc: '0000000f',
      parisc64: '8000000f', ppc: '00000014', ppc64: '80000015', ppc64le: 'c0000015', riscv64: 'c00000f3',
      s390: '00000016', s390x: '80000016', sh: '4000002a', sheb: '0000002a',
    }); // prettier-ignore
  });

  it('shares tables between byte orders and gives each ABI its offset', () => {
    expect(archByName('mipsel')).toMatchObject({
      table: 'mips',
      numberOffset: 4000,
      littleEndian: true,
      bits: 32,
    });
    expect(archByName('mipsel64')).toMatchObject({ table: 'mips64', numberOffset: 5000, bits: 64 });
    expect(archByName('mips64n32')).toMatchObject({ table: 'mips64n32', numberOffset: 6000, bits: 32 });
    expect(archByName('ppc64le')).toMatchObject({ table: 'ppc64', littleEndian: true });
    expect(archByName('ppc64')).toMatchObject({ table: 'ppc64', littleEndian: false });
    expect(archByName('x32')).toMatchObject({ table: 'x32', numberOffset: 0x40000000, bits: 32 });
    expect(archByName('amd64')).toBeUndefined();
    for (const info of ARCHES) expect(TABLE_NAMES).toContain(info.table);
  });

  it('finds arches by audit value in every spelling', () => {
    expect(archByAudit('c000003e').map((a) => a.name)).toEqual(['x86_64', 'x32']);
    expect(archByAudit('0xC000003E').map((a) => a.name)).toEqual(['x86_64', 'x32']);
    expect(archByAudit(0x40000003).map((a) => a.name)).toEqual(['x86']);
    expect(archByAudit('40000028').map((a) => a.name)).toEqual(['arm']);
    expect(archByAudit('e0000008').map((a) => a.name)).toEqual(['mipsel64n32']);
    expect(archByAudit('deadbeef')).toEqual([]);
    expect(archByAudit('c000003e0')).toEqual([]);
    expect(archByAudit('zz')).toEqual([]);
    expect(parseAuditArch(-1)).toBeUndefined();
  });

  it('maps Node architectures and adds the compat arches snap-seccomp adds', () => {
    expect(nativeArch('x64', 'LE').name).toBe('x86_64');
    expect(nativeArch('arm64', 'LE').name).toBe('aarch64');
    expect(nativeArch('ppc64', 'LE').name).toBe('ppc64le');
    expect(nativeArch('ppc64', 'BE').name).toBe('ppc64');
    expect(nativeArch('ia32', 'LE').name).toBe('x86');
    expect(() => nativeArch('wasm32', 'LE')).toThrow('cannot map Node architecture "wasm32"');
    expect(compatArches('x86_64')).toEqual(['x86']);
    expect(compatArches('aarch64')).toEqual(['arm']);
    expect(compatArches('ppc64')).toEqual(['ppc']);
    expect(compatArches('ppc64le')).toEqual([]);
    expect(compatArches('riscv64')).toEqual([]);
  });
});

describe('syscall lookups', () => {
  it('gives kernel numbers, with the x32 bit and MIPS offsets', () => {
    expect(syscallNumber('x86_64', 'read')).toBe(0);
    expect(syscallNumber('x32', 'read')).toBe(0x40000000);
    expect(syscallNumber('x86', 'socketcall')).toBe(102);
    expect(syscallNumber('x86', 'socket')).toBe(359);
    expect(syscallNumber('mips', 'read')).toBe(4003);
    expect(syscallNumber('mipsel', 'read')).toBe(4003);
    expect(syscallNumber('mips64', 'read')).toBe(5000);
    expect(syscallNumber('mips64n32', 'openat')).toBe(6251);
    expect(syscallNumber('arm', 'set_tls')).toBe(983045);
    expect(syscallNumber('arm', 'breakpoint')).toBe(983041);
    expect(syscallNumber('aarch64', 'openat')).toBe(56);
    expect(syscallNumber('x86_64', 'sched_setattr')).toBe(314);
    expect(syscallNumber('aarch64', 'open')).toBeUndefined();
    expect(syscallNumber('x86_64', 'nosuchcall')).toBeUndefined();
    expect(rawSyscallNumber('x32', 'read')).toBe(0);
  });

  it('names kernel numbers and refuses numbers outside the ABI', () => {
    expect(syscallName('arm', 983045)).toBe('set_tls');
    expect(syscallName('x32', 0x40000000)).toBe('read');
    expect(syscallName('x32', 0)).toBeUndefined();
    expect(syscallName('x86', 102)).toBe('socketcall');
    expect(syscallName('mips', 4003)).toBe('read');
    expect(syscallName('mips', 3)).toBeUndefined();
    expect(syscallName('mipsel64n32', 6251)).toBe('openat');
    expect(syscallName('s390x', 102)).toBe('socketcall');
    expect(syscallName('x86_64', 100000)).toBeUndefined();
    expect(syscallName('x86_64', -1)).toBeUndefined();
  });

  it('round-trips every syscall of every arch', () => {
    let checked = 0;
    for (const info of ARCHES) {
      for (const name of syscallNames(info.name)) {
        const number = syscallNumber(info.name, name);
        expect(number).toBeDefined();
        expect(syscallName(info.name, number!)).toBe(name);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8000);
  });

  it('lists names per arch and overall', () => {
    expect(syscallNames()).toHaveLength(508);
    expect(syscallNames('x86_64')).toHaveLength(385);
    expect(syscallNames('x86_64')).toContain('arch_prctl');
    expect(syscallNames('aarch64')).not.toContain('open');
    expect(syscallNames('mipsel')).toBe(syscallNames('mips'));
  });

  it('throws on an arch libseccomp does not know', () => {
    expect(() => syscallNumber('amd64', 'read')).toThrow('unknown seccomp architecture "amd64"');
    expect(() => syscallName('i386', 3)).toThrow('unknown seccomp architecture "i386"');
  });
});
