import { ARCHES } from './arch.js';
import {
  BPF_A,
  BPF_ABS,
  BPF_IMM,
  BPF_JA,
  BPF_JMP,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_MEM,
  BPF_RET,
  BPF_X,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_ARGS,
  SECCOMP_DATA_IP,
  SECCOMP_DATA_NR,
  actionName,
  type SockFilter,
} from './bpf.js';

const hex = (value: number): string => `0x${(value >>> 0).toString(16)}`;

/** Name of the seccomp_data word at a byte offset: nr, arch, ip.lo, args[2].hi, ... */
export function seccompFieldName(offset: number, littleEndian = true): string {
  if (offset === SECCOMP_DATA_NR) return 'nr';
  if (offset === SECCOMP_DATA_ARCH) return 'arch';
  const half = (at: number): string => ((at % 8 === 0) === littleEndian ? 'lo' : 'hi');
  if (offset === SECCOMP_DATA_IP || offset === SECCOMP_DATA_IP + 4) return `ip.${half(offset)}`;
  if (offset >= SECCOMP_DATA_ARGS && offset < SECCOMP_DATA_ARGS + 48 && offset % 4 === 0) {
    const index = Math.floor((offset - SECCOMP_DATA_ARGS) / 8);
    return `args[${index}].${half(offset)}`;
  }
  return `?${offset}`;
}

function archComment(k: number): string | undefined {
  const names = ARCHES.filter((arch) => arch.auditArch === k >>> 0).map((arch) => arch.name);
  return names.length > 0 ? `AUDIT_ARCH ${names.join('/')}` : undefined;
}

const ALU_NAMES: Readonly<Record<number, string>> = {
  0x00: 'add',
  0x10: 'sub',
  0x20: 'mul',
  0x30: 'div',
  0x40: 'or',
  0x50: 'and',
  0x60: 'lsh',
  0x70: 'rsh',
  0x80: 'neg',
  0x90: 'mod',
  0xa0: 'xor',
};
const JUMP_NAMES: Readonly<Record<number, string>> = { 0x10: 'jeq', 0x20: 'jgt', 0x30: 'jge', 0x40: 'jset' };

/** One instruction as text, jump targets as absolute instruction indices. */
export function disassembleInstruction(insn: SockFilter, pc: number, lastLoad?: number): string {
  const cls = insn.code & 0x07;
  const mode = insn.code & 0xe0;
  const operand = (insn.code & BPF_X) === BPF_X ? 'x' : `#${hex(insn.k)}`;
  switch (cls) {
    case BPF_LD:
    case BPF_LDX: {
      const op = cls === BPF_LD ? 'ld' : 'ldx';
      if (mode === BPF_ABS) return `${op} [${insn.k}]  ; ${seccompFieldName(insn.k)}`;
      if (mode === BPF_IMM) return `${op} #${hex(insn.k)}`;
      if (mode === BPF_MEM) return `${op} M[${insn.k}]`;
      if (mode === BPF_LEN) return `${op} len`;
      return `${op} ?mode=${hex(mode)} k=${hex(insn.k)}`;
    }
    case 0x02:
      return `st M[${insn.k}]`;
    case 0x03:
      return `stx M[${insn.k}]`;
    case 0x04: {
      const name = ALU_NAMES[insn.code & 0xf0] ?? `alu?${hex(insn.code & 0xf0)}`;
      return name === 'neg' ? 'neg' : `${name} ${operand}`;
    }
    case BPF_JMP: {
      if ((insn.code & 0xf0) === BPF_JA) return `ja ${String(pc + 1 + insn.k).padStart(4, '0')}`;
      const name = JUMP_NAMES[insn.code & 0xf0] ?? `jmp?${hex(insn.code & 0xf0)}`;
      const target = (offset: number): string => String(pc + 1 + offset).padStart(4, '0');
      const text = `${name} ${operand}, ${target(insn.jt)}, ${target(insn.jf)}`;
      const comment = lastLoad === SECCOMP_DATA_ARCH && operand !== 'x' ? archComment(insn.k) : undefined;
      return comment ? `${text}  ; ${comment}` : text;
    }
    case BPF_RET: {
      const source = insn.code & 0x18;
      if (source === BPF_A) return 'ret a';
      if (source === BPF_X) return 'ret x';
      return `ret #${hex(insn.k)}  ; ${actionName(insn.k)}`;
    }
    default:
      return (insn.code & 0xf8) === 0x80 ? 'txa' : 'tax';
  }
}

/** The whole program, one `NNNN: instruction` line each. */
export function disassemble(program: readonly SockFilter[]): string {
  let lastLoad: number | undefined;
  return program
    .map((insn, pc) => {
      const line = `${String(pc).padStart(4, '0')}: ${disassembleInstruction(insn, pc, lastLoad)}`;
      if ((insn.code & 0x07) === BPF_LD) lastLoad = (insn.code & 0xe0) === BPF_ABS ? insn.k : undefined;
      return line;
    })
    .join('\n');
}
