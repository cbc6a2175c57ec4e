import type { Decision } from '../model/denial.js';
import { LineArena } from './line-arena.js';
import { ownCopy } from './own-copy.js';
import { RATE_BUCKETS } from './sparkline.js';

/** How many individual occurrences each group keeps (all are counted). */
export const OCCURRENCES_KEPT = 10;

/** One event of a group, reduced to what the detail pane lists. */
export interface Occurrence {
  /** Event time in epoch milliseconds (audit stamp, else ISO time, else arrival). */
  readonly at: number;
  readonly pid?: number;
  readonly comm?: string;
  readonly decision?: Decision;
}

const DECISIONS: readonly (Decision | undefined)[] = [undefined, 'DENIED', 'ALLOWED', 'AUDIT'];
const DECISION_CODES: Readonly<Record<Decision, number>> = { DENIED: 1, ALLOWED: 2, AUDIT: 3 };
/** Groups per block: 4,096 of them take some 800 KiB. */
const BLOCK_SHIFT = 12;
const BLOCK_GROUPS = 1 << BLOCK_SHIFT;
const IN_BLOCK = BLOCK_GROUPS - 1;
const NO_PID = -1;

/** The columns of BLOCK_GROUPS groups. */
class Block {
  readonly at = new Float64Array(BLOCK_GROUPS * OCCURRENCES_KEPT);
  /** Process ids (kernel pids fit in 32 bits); NO_PID when the record had none. */
  readonly pid = new Int32Array(BLOCK_GROUPS * OCCURRENCES_KEPT);
  /** Index into `commNames` plus one; 0 when the record had no comm. Widened past 65,535 names. */
  comm: Uint16Array | Uint32Array = new Uint16Array(BLOCK_GROUPS * OCCURRENCES_KEPT);
  readonly decision = new Uint8Array(BLOCK_GROUPS * OCCURRENCES_KEPT);
  /** Events per rate bucket; widened when a bucket of the block passes 65,535. */
  rates: Uint16Array | Uint32Array = new Uint16Array(BLOCK_GROUPS * RATE_BUCKETS);
  /** First and last seen of each group: doubles in an object would each take a boxed number. */
  readonly seen = new Float64Array(BLOCK_GROUPS * 2);
}

/**
 * The per-group rings (last occurrences, rate buckets) of every group in a few flat arrays
 * indexed by group ordinal, instead of a million small objects the garbage collector would
 * have to trace on every major collection. The arrays come in blocks that are never copied to
 * grow: arrays doubled and copied leave their old copies to the C allocator, resident.
 */
export class GroupColumns {
  private readonly blocks: Block[] = [];
  private readonly commNames: string[] = [];
  private readonly commIndex = new Map<string, number>();
  /** Each group's newest log line. */
  readonly lines = new LineArena();

  /** Makes room for group `ordinal`. */
  ensure(ordinal: number): void {
    while (this.blocks.length <= ordinal >> BLOCK_SHIFT) this.blocks.push(new Block());
  }

  private block(ordinal: number): Block {
    return this.blocks[ordinal >> BLOCK_SHIFT]!;
  }

  /** Writes occurrence number `sequence` (0-based, counting every one ever written) of a group. */
  writeOccurrence(
    ordinal: number,
    sequence: number,
    at: number,
    pid: number | undefined,
    comm: string | undefined,
    decision: Decision | undefined,
  ): void {
    const block = this.block(ordinal);
    const slot = (ordinal & IN_BLOCK) * OCCURRENCES_KEPT + (sequence % OCCURRENCES_KEPT);
    block.at[slot] = at;
    block.pid[slot] = pid !== undefined && pid >= 0 && pid <= 0x7fffffff ? pid : NO_PID;
    const commNumber = comm === undefined ? 0 : this.commNumber(comm);
    if (commNumber > 0xffff && block.comm instanceof Uint16Array) block.comm = Uint32Array.from(block.comm);
    block.comm[slot] = commNumber;
    block.decision[slot] = decision ? DECISION_CODES[decision] : 0;
  }

  /** The kept occurrences of a group that has written `written` of them, oldest first. */
  occurrences(ordinal: number, written: number): Occurrence[] {
    const block = this.block(ordinal);
    const kept = Math.min(written, OCCURRENCES_KEPT);
    const out: Occurrence[] = [];
    for (let sequence = written - kept; sequence < written; sequence++) {
      const slot = (ordinal & IN_BLOCK) * OCCURRENCES_KEPT + (sequence % OCCURRENCES_KEPT);
      const pid = block.pid[slot]!;
      const comm = block.comm[slot]!;
      out.push({
        at: block.at[slot]!,
        pid: pid === NO_PID ? undefined : pid,
        comm: comm === 0 ? undefined : this.commNames[comm - 1],
        decision: DECISIONS[block.decision[slot]!],
      });
    }
    return out;
  }

  private commNumber(comm: string): number {
    let number = this.commIndex.get(comm);
    if (number === undefined) {
      number = this.commNames.push(ownCopy(comm));
      this.commIndex.set(this.commNames[number - 1]!, number);
    }
    return number;
  }

  firstSeen(ordinal: number): number {
    return this.block(ordinal).seen[(ordinal & IN_BLOCK) * 2]!;
  }

  lastSeen(ordinal: number): number {
    return this.block(ordinal).seen[(ordinal & IN_BLOCK) * 2 + 1]!;
  }

  setFirstSeen(ordinal: number, at: number): void {
    this.block(ordinal).seen[(ordinal & IN_BLOCK) * 2] = at;
  }

  setLastSeen(ordinal: number, at: number): void {
    this.block(ordinal).seen[(ordinal & IN_BLOCK) * 2 + 1] = at;
  }

  /** A group's rate ring (a view into its block). */
  rate(ordinal: number): Uint16Array | Uint32Array {
    const first = (ordinal & IN_BLOCK) * RATE_BUCKETS;
    return this.block(ordinal).rates.subarray(first, first + RATE_BUCKETS);
  }

  setRate(ordinal: number, bucketIndex: number, value: number): void {
    const block = this.block(ordinal);
    if (value > 0xffff && block.rates instanceof Uint16Array) block.rates = Uint32Array.from(block.rates);
    block.rates[(ordinal & IN_BLOCK) * RATE_BUCKETS + bucketIndex] = value;
  }

  addRate(ordinal: number, bucketIndex: number, times: number): void {
    const block = this.block(ordinal);
    const index = (ordinal & IN_BLOCK) * RATE_BUCKETS + bucketIndex;
    const sum = block.rates[index]! + times;
    if (sum > 0xffff && block.rates instanceof Uint16Array) block.rates = Uint32Array.from(block.rates);
    block.rates[index] = sum;
  }
}
