/** Classic BPF as the seccomp filter mode uses it: `struct sock_filter` and its opcodes. */

export interface SockFilter {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

export const BPF_MAXINSNS = 4096;
export const SOCK_FILTER_SIZE = 8;

// Instruction classes (code & 0x07).
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

// Load sizes (code & 0x18) and modes (code & 0xe0).
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;

// ALU and jump operations (code & 0xf0).
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

// Operand source (code & 0x08) and return value source (code & 0x18).
export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const BPF_A = 0x10;

// Misc operations (code & 0xf8).
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** Number of scratch memory words (M[0..15]). */
export const BPF_MEMWORDS = 16;

/** seccomp return actions (the upper 16 bits; the lower 16 carry data such as an errno). */
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000;
export const SECCOMP_RET_DATA = 0x0000ffff;

export const EPERM = 1;
export const EACCES = 13;
export const ACTION_ERRNO_EPERM = (SECCOMP_RET_ERRNO | EPERM) >>> 0;
export const ACTION_ERRNO_EACCES = (SECCOMP_RET_ERRNO | EACCES) >>> 0;

/** Offsets of the fields of `struct seccomp_data`. */
export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const SECCOMP_DATA_IP = 8;
export const SECCOMP_DATA_ARGS = 16;
export const SECCOMP_DATA_SIZE = 64;

export function stmt(code: number, k: number): SockFilter {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

export function jump(code: number, k: number, jt: number, jf: number): SockFilter {
  return { code, jt, jf, k: k >>> 0 };
}

/** A readable name for a seccomp action value: ALLOW, LOG, ERRNO(1), KILL_THREAD, TRACE(5), ... */
export function actionName(action: number): string {
  const full = (action & SECCOMP_RET_ACTION_FULL) >>> 0;
  const data = action & SECCOMP_RET_DATA;
  switch (full) {
    case SECCOMP_RET_KILL_PROCESS:
      return 'KILL_PROCESS';
    case SECCOMP_RET_KILL_THREAD:
      return 'KILL_THREAD';
    case SECCOMP_RET_TRAP:
      return data === 0 ? 'TRAP' : `TRAP(${data})`;
    case SECCOMP_RET_ERRNO:
      return `ERRNO(${data})`;
    case SECCOMP_RET_USER_NOTIF:
      return 'USER_NOTIF';
    case SECCOMP_RET_TRACE:
      return `TRACE(${data})`;
    case SECCOMP_RET_LOG:
      return 'LOG';
    case SECCOMP_RET_ALLOW:
      return 'ALLOW';
    default:
      return `0x${(action >>> 0).toString(16).padStart(8, '0')}`;
  }
}

/** Serializes instructions as `struct sock_filter[]` in the given byte order. */
export function encodeProgram(program: readonly SockFilter[], littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(program.length * SOCK_FILTER_SIZE);
  const view = new DataView(bytes.buffer);
  program.forEach((insn, index) => {
    const at = index * SOCK_FILTER_SIZE;
    view.setUint16(at, insn.code, littleEndian);
    view.setUint8(at + 2, insn.jt);
    view.setUint8(at + 3, insn.jf);
    view.setUint32(at + 4, insn.k >>> 0, littleEndian);
  });
  return bytes;
}

/** Parses `struct sock_filter[]`; throws when the length is not a multiple of 8. */
export function decodeProgram(bytes: Uint8Array, littleEndian = true): SockFilter[] {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) {
    throw new Error(`BPF program length ${bytes.length} is not a multiple of ${SOCK_FILTER_SIZE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const program: SockFilter[] = [];
  for (let at = 0; at < bytes.length; at += SOCK_FILTER_SIZE) {
    program.push({
      code: view.getUint16(at, littleEndian),
      jt: view.getUint8(at + 2),
      jf: view.getUint8(at + 3),
      k: view.getUint32(at + 4, littleEndian),
    });
  }
  return program;
}

/** A program under construction: instructions whose jumps name labels instead of offsets. */
export type AsmItem =
  | { readonly kind: 'stmt'; readonly code: number; readonly k: number }
  | {
      readonly kind: 'jump';
      readonly code: number;
      readonly k: number;
      readonly t: string;
      readonly f: string;
    }
  | { readonly kind: 'ja'; readonly target: string }
  | { readonly kind: 'label'; readonly name: string };

const MAX_SHORT_JUMP = 255;

export const loadWord = (offset: number): AsmItem => ({
  kind: 'stmt',
  code: BPF_LD | BPF_W | BPF_ABS,
  k: offset,
});
export const returnAction = (action: number): AsmItem => ({ kind: 'stmt', code: BPF_RET | BPF_K, k: action });
export const labelAt = (name: string): AsmItem => ({ kind: 'label', name });
/** A conditional jump comparing A with k (`op` is BPF_JEQ, BPF_JGT, BPF_JGE or BPF_JSET). */
export const jumpIf = (op: number, k: number, t: string, f: string): AsmItem => ({
  kind: 'jump',
  code: BPF_JMP | op | BPF_K,
  k: k >>> 0,
  t,
  f,
});

/**
 * Resolves labels into offsets. A conditional jump whose target is more than 255 instructions
 * away gets a trampoline (an unconditional BPF_JA, which has a 32-bit offset) right after it.
 */
export function assemble(items: readonly AsmItem[]): SockFilter[] {
  const farTrue = new Set<number>();
  const farFalse = new Set<number>();
  const size = (item: AsmItem, index: number): number =>
    item.kind === 'label' ? 0 : item.kind === 'jump' ? 1 + +farTrue.has(index) + +farFalse.has(index) : 1;
  for (;;) {
    const labels = new Map<string, number>();
    const starts: number[] = [];
    let position = 0;
    items.forEach((item, index) => {
      starts.push(position);
      if (item.kind === 'label') {
        if (labels.has(item.name)) throw new Error(`duplicate label ${item.name}`);
        labels.set(item.name, position);
      }
      position += size(item, index);
    });
    const target = (name: string): number => {
      const at = labels.get(name);
      if (at === undefined) throw new Error(`undefined label ${name}`);
      return at;
    };
    let grew = false;
    items.forEach((item, index) => {
      if (item.kind !== 'jump') return;
      const after = starts[index]! + 1;
      if (!farTrue.has(index) && target(item.t) - after > MAX_SHORT_JUMP) {
        farTrue.add(index);
        grew = true;
      }
      if (!farFalse.has(index) && target(item.f) - after > MAX_SHORT_JUMP) {
        farFalse.add(index);
        grew = true;
      }
    });
    if (grew) continue;
    const program: SockFilter[] = [];
    items.forEach((item, index) => {
      const forward = (name: string, from: number): number => {
        const offset = target(name) - from;
        if (offset < 0) throw new Error(`backward jump to ${name}`);
        return offset;
      };
      if (item.kind === 'stmt') program.push(stmt(item.code, item.k));
      else if (item.kind === 'ja')
        program.push(stmt(BPF_JMP | BPF_JA, forward(item.target, program.length + 1)));
      else if (item.kind === 'jump') {
        const after = program.length + 1;
        const hasFarTrue = farTrue.has(index);
        const hasFarFalse = farFalse.has(index);
        const jt = hasFarTrue ? 0 : forward(item.t, after);
        const jf = hasFarFalse ? +hasFarTrue : forward(item.f, after);
        program.push(jump(item.code, item.k, jt, jf));
        if (hasFarTrue) program.push(stmt(BPF_JMP | BPF_JA, forward(item.t, program.length + 1)));
        if (hasFarFalse) program.push(stmt(BPF_JMP | BPF_JA, forward(item.f, program.length + 1)));
      }
    });
    return program;
  }
}
