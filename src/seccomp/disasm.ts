import { ARCHES, X32_SYSCALL_BIT } from './arch.js';
import { syscallName } from './tables.js';
import {
  BPF_A,
  BPF_ABS,
  BPF_IMM,
  BPF_JA,
  BPF_JEQ,
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

/** What is known on entry to an instruction: which seccomp_data word A holds, which arch passed. */
interface FlowState {
  readonly load?: number;
  readonly auditArch?: number;
}

function merge(known: FlowState | undefined, incoming: FlowState): FlowState {
  if (known === undefined) return incoming;
  return {
    ...(known.load === incoming.load ? { load: known.load } : {}),
    ...(known.auditArch === incoming.auditArch ? { auditArch: known.auditArch } : {}),
  };
}

/** Forward data flow (classic BPF only jumps forward), so a syscall number can be named. */
function flowStates(program: readonly SockFilter[]): FlowState[] {
  const states: (FlowState | undefined)[] = [{}];
  program.forEach((insn, pc) => {
    const state = states[pc] ?? {};
    const cls = insn.code & 0x07;
    let after: FlowState = state;
    if (cls === BPF_LD) {
      after = { ...(state.auditArch !== undefined ? { auditArch: state.auditArch } : {}) };
      if ((insn.code & 0xe0) === BPF_ABS) after = { ...after, load: insn.k };
    } else if (cls === 0x04 || (cls === 0x07 && (insn.code & 0xf8) === 0x80)) {
      after = state.auditArch !== undefined ? { auditArch: state.auditArch } : {};
    }
    const flow = (target: number, next: FlowState): void => {
      if (target < program.length) states[target] = merge(states[target], next);
    };
    if (cls === BPF_RET) return;
    if (cls !== BPF_JMP) return flow(pc + 1, after);
    if ((insn.code & 0xf0) === BPF_JA) return flow(pc + 1 + insn.k, after);
    const archMatch = after.load === SECCOMP_DATA_ARCH && (insn.code & 0xf8) === BPF_JEQ;
    flow(pc + 1 + insn.jt, archMatch ? { ...after, auditArch: insn.k } : after);
    flow(pc + 1 + insn.jf, after);
  });
  return states.map((state) => state ?? {});
}

/** The syscall a number compared against `nr` names on the arch that passed the arch check. */
function syscallComment(k: number, auditArch: number): string | undefined {
  if (k === X32_SYSCALL_BIT) return 'x32 syscall bit';
  const arches = ARCHES.filter((arch) => arch.auditArch === auditArch >>> 0);
  const arch = arches.find((a) => (a.name === 'x32') === k >= X32_SYSCALL_BIT) ?? arches[0];
  return arch ? syscallName(arch.name, k) : undefined;
}

/** The whole program, one `NNNN: instruction` line each. */
export function disassemble(program: readonly SockFilter[]): string {
  const states = flowStates(program);
  return program
    .map((insn, pc) => {
      const state = states[pc]!;
      let text = disassembleInstruction(insn, pc, state.load);
      const isCompare =
        (insn.code & 0x07) === BPF_JMP && (insn.code & 0xf0) !== BPF_JA && (insn.code & BPF_X) === 0;
      if (isCompare && state.load === SECCOMP_DATA_NR && state.auditArch !== undefined) {
        const name = syscallComment(insn.k, state.auditArch);
        if (name) text += `  ; ${name}`;
      }
      return `${String(pc).padStart(4, '0')}: ${text}`;
    })
    .join('\n');
}
