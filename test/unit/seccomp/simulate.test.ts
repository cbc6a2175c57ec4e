import { describe, expect, it } from 'vitest';
import {
  BPF_A,
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_B,
  BPF_DIV,
  BPF_IMM,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_LSH,
  BPF_MEM,
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
  encodeProgram,
  jump,
  stmt,
  type SockFilter,
} from '../../../src/seccomp/bpf.js';
import { simulate, SimulationError } from '../../../src/seccomp/simulate.js';

const DATA = { nr: 59, arch: 0xc000003e, instructionPointer: 0x1122334455667788n, args: [0x100000002n, 7n] };
const load = (offset: number) => stmt(BPF_LD | BPF_W | BPF_ABS, offset);
const retA = stmt(BPF_RET | BPF_A, 0);

/** Runs `program` followed by `ret A` and returns A. */
function accumulator(program: SockFilter[], data = DATA): number {
  return simulate([...program, retA], data).action;
}

describe('simulate', () => {
  it('reads each seccomp_data field at its offset, low word first on little-endian', () => {
    expect(accumulator([load(0)])).toBe(59);
    expect(accumulator([load(4)])).toBe(0xc000003e);
    expect(accumulator([load(8)])).toBe(0x55667788);
    expect(accumulator([load(12)])).toBe(0x11223344);
    expect(accumulator([load(16)])).toBe(2);
    expect(accumulator([load(20)])).toBe(1);
    expect(accumulator([load(24)])).toBe(7);
    expect(accumulator([load(60)])).toBe(0);
  });

  it('puts the high word first for big-endian tasks', () => {
    const bigEndian = { ...DATA, littleEndian: false };
    expect(accumulator([load(16)], bigEndian)).toBe(1);
    expect(accumulator([load(20)], bigEndian)).toBe(2);
    expect(accumulator([load(8)], bigEndian)).toBe(0x11223344);
  });

  it('stores negative syscall numbers as their 32-bit pattern', () => {
    expect(accumulator([load(0)], { ...DATA, nr: -1 })).toBe(0xffffffff);
  });

  it('implements every ALU operation with K and X operands', () => {
    const cases: [number, number, number, number][] = [
      [BPF_ADD, 10, 3, 13],
      [BPF_SUB, 3, 10, 0xfffffff9],
      [BPF_MUL, 0x10000, 0x10001, 0x10000],
      [BPF_DIV, 10, 3, 3],
      [BPF_MOD, 10, 3, 1],
      [BPF_OR, 0x0f, 0xf0, 0xff],
      [BPF_AND, 0x3c, 0x0f, 0x0c],
      [BPF_XOR, 0xff, 0x0f, 0xf0],
      [BPF_LSH, 1, 31, 0x80000000],
      [BPF_RSH, 0x80000000, 31, 1],
    ];
    for (const [op, a, k, expected] of cases) {
      expect(accumulator([stmt(BPF_LD | BPF_IMM, a), stmt(BPF_ALU | op | BPF_K, k)]), `op ${op} K`).toBe(
        expected,
      );
      const viaX = [stmt(BPF_LDX | BPF_IMM, k), stmt(BPF_LD | BPF_IMM, a), stmt(BPF_ALU | op | BPF_X, 0)];
      expect(accumulator(viaX), `op ${op} X`).toBe(expected);
    }
    expect(accumulator([stmt(BPF_LD | BPF_IMM, 5), stmt(BPF_ALU | BPF_NEG, 0)])).toBe(0xfffffffb);
    expect(
      accumulator([
        stmt(BPF_LD | BPF_IMM, 5),
        stmt(BPF_LDX | BPF_IMM, 0),
        stmt(BPF_ALU | BPF_DIV | BPF_X, 0),
      ]),
    ).toBe(0);
  });

  it('implements scratch memory, TAX/TXA, LEN and returning X or K', () => {
    const program = [
      stmt(BPF_LD | BPF_IMM, 42),
      stmt(BPF_ST, 3),
      stmt(BPF_LDX | BPF_IMM, 9),
      stmt(BPF_STX, 15),
      stmt(BPF_LD | BPF_MEM, 15),
      stmt(BPF_LDX | BPF_MEM, 3),
      stmt(BPF_MISC | BPF_TXA, 0),
    ];
    expect(accumulator(program)).toBe(42);
    expect(
      accumulator([
        stmt(BPF_LD | BPF_IMM, 8),
        stmt(BPF_MISC | BPF_TAX, 0),
        stmt(BPF_LD | BPF_IMM, 0),
        stmt(BPF_MISC | BPF_TXA, 0),
      ]),
    ).toBe(8);
    expect(accumulator([stmt(BPF_LD | BPF_W | BPF_LEN, 0)])).toBe(64);
    expect(simulate([stmt(BPF_LDX | BPF_IMM, 77), stmt(BPF_RET | BPF_X, 0)], DATA).action).toBe(77);
    expect(simulate([stmt(BPF_RET | BPF_K, 0x7fff0000)], DATA).action).toBe(0x7fff0000);
  });

  it('implements JA, JEQ, JGT, JGE and JSET with K and X, counting offsets from the next instruction', () => {
    const branch = (code: number, a: number, k: number): number =>
      simulate(
        [
          stmt(BPF_LDX | BPF_IMM, k),
          stmt(BPF_LD | BPF_IMM, a),
          jump(BPF_JMP | code, k, 1, 2),
          stmt(BPF_RET | BPF_K, 0),
          stmt(BPF_RET | BPF_K, 1),
          stmt(BPF_RET | BPF_K, 2),
        ],
        DATA,
      ).action;
    for (const source of [BPF_K, BPF_X]) {
      expect(branch(BPF_JEQ | source, 5, 5)).toBe(1);
      expect(branch(BPF_JEQ | source, 5, 6)).toBe(2);
      expect(branch(BPF_JGT | source, 0xffffffff, 1)).toBe(1);
      expect(branch(BPF_JGT | source, 1, 1)).toBe(2);
      expect(branch(BPF_JGE | source, 1, 1)).toBe(1);
      expect(branch(BPF_JGE | source, 0, 1)).toBe(2);
      expect(branch(BPF_JSET | source, 6, 2)).toBe(1);
      expect(branch(BPF_JSET | source, 6, 1)).toBe(2);
    }
    const ja = [stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_RET | BPF_K, 0), stmt(BPF_RET | BPF_K, 3)];
    expect(simulate(ja, DATA, { trace: true })).toEqual({ action: 3, trace: [0, 2] });
  });

  it('accepts the encoded bytes as well as instructions', () => {
    const program = [
      load(0),
      jump(BPF_JMP | BPF_JEQ | BPF_K, 59, 0, 1),
      stmt(BPF_RET | BPF_K, 1),
      stmt(BPF_RET | BPF_K, 2),
    ];
    expect(simulate(encodeProgram(program), DATA).action).toBe(1);
  });

  it('refuses what the kernel would refuse', () => {
    const error = (program: SockFilter[]): string => {
      try {
        simulate(program, DATA);
      } catch (thrown) {
        expect(thrown).toBeInstanceOf(SimulationError);
        return (thrown as Error).message;
      }
      throw new Error('expected a SimulationError');
    };
    expect(error([load(2), retA])).toBe(
      'instruction 0: load from offset 2 outside seccomp_data or unaligned',
    );
    expect(error([load(64), retA])).toBe(
      'instruction 0: load from offset 64 outside seccomp_data or unaligned',
    );
    expect(error([stmt(BPF_LD | BPF_B | BPF_ABS, 0), retA])).toBe(
      'instruction 0: only 32-bit loads are allowed',
    );
    expect(error([stmt(BPF_ST, 16), retA])).toBe('instruction 0: scratch memory index 16 out of range');
    expect(error([stmt(BPF_LD | BPF_IMM, 1)])).toBe(
      'instruction 1: program ran past its end without returning',
    );
  });
});
