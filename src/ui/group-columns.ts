import type { Decision } from '../model/denial.js';
import { LineArena } from './line-arena.js';
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
const INITIAL_GROUPS = 1024;
const NO_PID = -1;

/**
 * The per-group rings (last occurrences, rate buckets) of every group in a few flat arrays
 * indexed by group ordinal, instead of a million small objects the garbage collector would
 * have to trace on every major collection.
 */
export class GroupColumns {
  private capacity = 0;
  private at = new Float64Array(0);
  /** Process ids (kernel pids fit in 32 bits); NO_PID when the record had none. */
  private pid = new Int32Array(0);
  /** Index into `commNames` plus one; 0 when the record had no comm. */
  private comm = new Uint32Array(0);
  private readonly commNames: string[] = [];
  private readonly commIndex = new Map<string, number>();
  private decision = new Uint8Array(0);
  private rates = new Uint32Array(0);
  /** First and last seen of each group: doubles in an object would each take a boxed number. */
  private seen = new Float64Array(0);
  /** Each group's newest log line. */
  readonly lines = new LineArena();

  constructor() {
    this.grow(INITIAL_GROUPS);
  }

  /** Makes room for group `ordinal`. */
  ensure(ordinal: number): void {
    if (ordinal >= this.capacity) this.grow(Math.max(ordinal + 1, this.capacity * 2));
  }

  private grow(capacity: number): void {
    const slots = capacity * OCCURRENCES_KEPT;
    this.at = copied(this.at, new Float64Array(slots));
    this.pid = copied(this.pid, new Int32Array(slots));
    this.comm = copied(this.comm, new Uint32Array(slots));
    this.decision = copied(this.decision, new Uint8Array(slots));
    this.rates = copied(this.rates, new Uint32Array(capacity * RATE_BUCKETS));
    this.seen = copied(this.seen, new Float64Array(capacity * 2));
    this.capacity = capacity;
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
    const slot = ordinal * OCCURRENCES_KEPT + (sequence % OCCURRENCES_KEPT);
    this.at[slot] = at;
    this.pid[slot] = pid !== undefined && pid >= 0 && pid <= 0x7fffffff ? pid : NO_PID;
    this.comm[slot] = comm === undefined ? 0 : this.commNumber(comm);
    this.decision[slot] = decision ? DECISION_CODES[decision] : 0;
  }

  /** The kept occurrences of a group that has written `written` of them, oldest first. */
  occurrences(ordinal: number, written: number): Occurrence[] {
    const kept = Math.min(written, OCCURRENCES_KEPT);
    const out: Occurrence[] = [];
    for (let sequence = written - kept; sequence < written; sequence++) {
      const slot = ordinal * OCCURRENCES_KEPT + (sequence % OCCURRENCES_KEPT);
      const pid = this.pid[slot]!;
      const comm = this.comm[slot]!;
      out.push({
        at: this.at[slot]!,
        pid: pid === NO_PID ? undefined : pid,
        comm: comm === 0 ? undefined : this.commNames[comm - 1],
        decision: DECISIONS[this.decision[slot]!],
      });
    }
    return out;
  }

  private commNumber(comm: string): number {
    let number = this.commIndex.get(comm);
    if (number === undefined) {
      number = this.commNames.push(comm);
      this.commIndex.set(comm, number);
    }
    return number;
  }

  firstSeen(ordinal: number): number {
    return this.seen[ordinal * 2]!;
  }

  lastSeen(ordinal: number): number {
    return this.seen[ordinal * 2 + 1]!;
  }

  setFirstSeen(ordinal: number, at: number): void {
    this.seen[ordinal * 2] = at;
  }

  setLastSeen(ordinal: number, at: number): void {
    this.seen[ordinal * 2 + 1] = at;
  }

  /** A group's rate ring (a view, valid until the next group is added). */
  rate(ordinal: number): Uint32Array {
    return this.rates.subarray(ordinal * RATE_BUCKETS, (ordinal + 1) * RATE_BUCKETS);
  }

  setRate(ordinal: number, bucketIndex: number, value: number): void {
    this.rates[ordinal * RATE_BUCKETS + bucketIndex] = value;
  }

  addRate(ordinal: number, bucketIndex: number, times: number): void {
    this.rates[ordinal * RATE_BUCKETS + bucketIndex]! += times;
  }
}

function copied<T extends { set(from: ArrayLike<number>): void }>(from: ArrayLike<number>, to: T): T {
  to.set(from);
  return to;
}
