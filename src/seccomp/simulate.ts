import {
  BPF_A,
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_DIV,
  BPF_IMM,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_LSH,
  BPF_MEM,
  BPF_MEMWORDS,
  BPF_MISC,
  BPF_MOD,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_RET,
  BPF_RSH,
  BPF_ST,
  BPF_STX,
  BPF_SUB,
  BPF_TAX,
  BPF_TXA,
  BPF_W,
  BPF_X,
  BPF_XOR,
  SECCOMP_DATA_ARGS,
  SECCOMP_DATA_SIZE,
  decodeProgram,
  type SockFilter,
} from './bpf.js';

/** The syscall as the kernel hands it to a filter (`struct seccomp_data`). */
export interface SeccompData {
  /** Syscall number as seen by the filter (x32 bit included). */
  readonly nr: number;
  /** AUDIT_ARCH_* value, e.g. 0xc000003e. */
  readonly arch: number;
  readonly instructionPointer?: bigint;
  /** Up to six arguments; missing ones are 0. */
  readonly args: readonly bigint[];
  /** Byte order of the task (and so of the 64-bit fields); little-endian unless told. */
  readonly littleEndian?: boolean;
}

export interface SimulationResult {
  /** The filter's 32-bit return value. */
  readonly action: number;
  /** Indices of the instructions executed, in order (only when asked for). */
  readonly trace?: number[];
}

export class SimulationError extends Error {
  constructor(
    message: string,
    readonly pc: number,
  ) {
    super(`instruction ${pc}: ${message}`);
    this.name = 'SimulationError';
  }
}

const U64_MASK = (1n << 64n) - 1n;

/**
 * seccomp_data as the 16 32-bit words a filter can load (offset / 4), each 64-bit field split
 * into halves in the task's byte order.
 */
export function seccompDataWords(data: SeccompData): Uint32Array {
  const littleEndian = data.littleEndian ?? true;
  const words = new Uint32Array(SECCOMP_DATA_SIZE / 4);
  words[0] = data.nr >>> 0;
  words[1] = data.arch >>> 0;
  const put = (word: number, value: bigint): void => {
    const masked = value & U64_MASK;
    const lo = Number(masked & 0xffffffffn);
    const hi = Number(masked >> 32n);
    words[word] = littleEndian ? lo : hi;
    words[word + 1] = littleEndian ? hi : lo;
  };
  put(2, data.instructionPointer ?? 0n);
  for (let index = 0; index < 6; index++) {
    const value = data.args[index] ?? 0n;
    if (value !== 0n) put(SECCOMP_DATA_ARGS / 4 + 2 * index, value);
  }
  return words;
}

function alu(op: number, a: number, operand: number, pc: number): number {
  switch (op) {
    case BPF_ADD:
      return (a + operand) >>> 0;
    case BPF_SUB:
      return (a - operand) >>> 0;
    case BPF_MUL:
      return Math.imul(a, operand) >>> 0;
    case BPF_DIV:
      return operand === 0 ? 0 : Math.floor(a / operand) >>> 0;
    case BPF_MOD:
      return operand === 0 ? 0 : (a % operand) >>> 0;
    case BPF_OR:
      return (a | operand) >>> 0;
    case BPF_AND:
      return (a & operand) >>> 0;
    case BPF_XOR:
      return (a ^ operand) >>> 0;
    case BPF_LSH:
      return operand >= 32 ? 0 : (a << operand) >>> 0;
    case BPF_RSH:
      return operand >= 32 ? 0 : a >>> operand;
    case BPF_NEG:
      return -a >>> 0;
    default:
      throw new SimulationError(`unknown ALU operation 0x${op.toString(16)}`, pc);
  }
}

function conditionHolds(op: number, a: number, operand: number, pc: number): boolean {
  switch (op) {
    case BPF_JEQ:
      return a === operand;
    case BPF_JGT:
      return a > operand;
    case BPF_JGE:
      return a >= operand;
    case BPF_JSET:
      return (a & operand) !== 0;
    default:
      throw new SimulationError(`unknown jump operation 0x${op.toString(16)}`, pc);
  }
}

function loadWord(words: Uint32Array, offset: number, pc: number): number {
  if (offset % 4 !== 0 || offset < 0 || offset + 4 > SECCOMP_DATA_SIZE) {
    throw new SimulationError(`load from offset ${offset} outside seccomp_data or unaligned`, pc);
  }
  return words[offset / 4]!;
}

/**
 * Runs a seccomp filter over one syscall exactly as the kernel's classic BPF interpreter would,
 * restricted to the instructions seccomp accepts. Throws SimulationError for anything else.
 */
export function simulate(
  program: Uint8Array | readonly SockFilter[],
  data: SeccompData,
  options: { readonly trace?: boolean } = {},
): SimulationResult {
  const insns = program instanceof Uint8Array ? decodeProgram(program) : program;
  const words = seccompDataWords(data);
  const memory = new Uint32Array(BPF_MEMWORDS);
  const trace: number[] | undefined = options.trace ? [] : undefined;
  let a = 0;
  let x = 0;
  let pc = 0;
  while (pc < insns.length) {
    const insn = insns[pc]!;
    trace?.push(pc);
    const cls = insn.code & 0x07;
    const k = insn.k >>> 0;
    let next = pc + 1;
    switch (cls) {
      case BPF_LD:
      case BPF_LDX: {
        const mode = insn.code & 0xe0;
        const size = insn.code & 0x18;
        if (size !== BPF_W) throw new SimulationError('only 32-bit loads are allowed', pc);
        let value: number;
        if (mode === BPF_ABS && cls === BPF_LD) value = loadWord(words, k, pc);
        else if (mode === BPF_IMM) value = k;
        else if (mode === BPF_LEN) value = SECCOMP_DATA_SIZE;
        else if (mode === BPF_MEM) {
          if (k >= BPF_MEMWORDS) throw new SimulationError(`scratch memory index ${k} out of range`, pc);
          value = memory[k]!;
        } else throw new SimulationError(`load mode 0x${mode.toString(16)} not allowed in seccomp`, pc);
        if (cls === BPF_LD) a = value;
        else x = value;
        break;
      }
      case BPF_ST:
      case BPF_STX:
        if (k >= BPF_MEMWORDS) throw new SimulationError(`scratch memory index ${k} out of range`, pc);
        memory[k] = cls === BPF_ST ? a : x;
        break;
      case BPF_ALU:
        a = alu(insn.code & 0xf0, a, (insn.code & BPF_X) === BPF_X ? x : k, pc);
        break;
      case BPF_JMP: {
        const op = insn.code & 0xf0;
        if (op === BPF_JA) next = pc + 1 + k;
        else
          next =
            pc + 1 + (conditionHolds(op, a, (insn.code & BPF_X) === BPF_X ? x : k, pc) ? insn.jt : insn.jf);
        break;
      }
      case BPF_RET: {
        const source = insn.code & 0x18;
        const action = source === BPF_A ? a : source === BPF_X ? x : k;
        return trace ? { action: action >>> 0, trace } : { action: action >>> 0 };
      }
      case BPF_MISC: {
        const op = insn.code & 0xf8;
        if (op === BPF_TAX) x = a;
        else if (op === BPF_TXA) a = x;
        else throw new SimulationError(`unknown misc operation 0x${op.toString(16)}`, pc);
        break;
      }
    }
    pc = next;
  }
  throw new SimulationError('program ran past its end without returning', pc);
}
