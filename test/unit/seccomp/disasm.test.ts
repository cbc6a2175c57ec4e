import { describe, expect, it } from 'vitest';
import {
  BPF_A,
  BPF_ABS,
  BPF_ALU,
  BPF_AND,
  BPF_IMM,
  BPF_JA,
  BPF_JMP,
  BPF_JSET,
  BPF_LD,
  BPF_LDX,
  BPF_MEM,
  BPF_MISC,
  BPF_NEG,
  BPF_RET,
  BPF_ST,
  BPF_TAX,
  BPF_W,
  BPF_X,
  jump,
  stmt,
} from '../../../src/seccomp/bpf.js';
import { compileProfile } from '../../../src/seccomp/compile.js';
import { disassemble, seccompFieldName } from '../../../src/seccomp/disasm.js';
import { parseProfile } from '../../../src/seccomp/profile.js';

describe('disassemble', () => {
  it('prints a compiled filter with field, arch and action names', () => {
    const profile = parseProfile('read\nsocket AF_UNIX\n');
    const { allow } = compileProfile(profile, { arch: 'x86_64', compat: [] });
    expect(disassemble(allow)).toBe(
      [
        '0000: ld [4]  ; arch',
        '0001: jeq #0xc000003e, 0003, 0002  ; AUDIT_ARCH x86_64/x32',
        '0002: ret #0x0  ; KILL_THREAD',
        '0003: ld [0]  ; nr',
        '0004: jge #0x40000000, 0005, 0006  ; x32 syscall bit',
        '0005: jeq #0xffffffff, 0006, 0016',
        '0006: jeq #0x0, 0009, 0007  ; read',
        '0007: jeq #0x29, 0010, 0008  ; socket',
        '0008: ret #0x50001  ; ERRNO(1)',
        '0009: ret #0x7fff0000  ; ALLOW',
        '0010: ld [20]  ; args[0].hi',
        '0011: jeq #0x0, 0012, 0014',
        '0012: ld [16]  ; args[0].lo',
        '0013: jeq #0x1, 0015, 0014',
        '0014: ret #0x50001  ; ERRNO(1)',
        '0015: ret #0x7fff0000  ; ALLOW',
        '0016: ret #0x0  ; KILL_THREAD',
      ].join('\n'),
    );
  });

  it('names syscall numbers on the arch whose check the path passed', () => {
    const { allow } = compileProfile(parseProfile('read\nsocket AF_UNIX\n'), { arch: 'x86_64' });
    const listing = disassemble(allow);
    expect(listing).toMatch(/jeq #0x3, \d{4}, \d{4} {2}; read\n/);
    expect(listing).toMatch(/jeq #0x66, \d{4}, \d{4} {2}; socketcall\n/);
    expect(listing).toMatch(/jeq #0x167, \d{4}, \d{4} {2}; socket\n/);
    expect(listing).toMatch(/jeq #0x29, \d{4}, \d{4} {2}; socket\n/);
  });

  it('prints every other instruction kind', () => {
    const program = [
      stmt(BPF_LD | BPF_IMM, 7),
      stmt(BPF_LDX | BPF_MEM, 2),
      stmt(BPF_ST, 3),
      stmt(BPF_ALU | BPF_AND | BPF_X, 0),
      stmt(BPF_ALU | BPF_NEG, 0),
      stmt(BPF_MISC | BPF_TAX, 0),
      jump(BPF_JMP | BPF_JSET, 0x10, 0, 1),
      stmt(BPF_JMP | BPF_JA, 1),
      stmt(BPF_RET | BPF_A, 0),
      stmt(BPF_RET, 0x7ffc0000),
    ];
    expect(disassemble(program).split('\n')).toEqual([
      '0000: ld #0x7',
      '0001: ldx M[2]',
      '0002: st M[3]',
      '0003: and x',
      '0004: neg',
      '0005: tax',
      '0006: jset #0x10, 0007, 0008',
      '0007: ja 0009',
      '0008: ret a',
      '0009: ret #0x7ffc0000  ; LOG',
    ]);
  });

  it('names seccomp_data words in both byte orders', () => {
    expect([0, 4, 8, 12, 16, 20, 56, 60].map((offset) => seccompFieldName(offset))).toEqual([
      'nr',
      'arch',
      'ip.lo',
      'ip.hi',
      'args[0].lo',
      'args[0].hi',
      'args[5].lo',
      'args[5].hi',
    ]);
    expect(seccompFieldName(16, false)).toBe('args[0].hi');
    expect(disassemble([stmt(BPF_LD | BPF_W | BPF_ABS, 2)])).toBe('0000: ld [2]  ; ?2');
  });
});
