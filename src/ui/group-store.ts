import type { Decision, Denial, DenialKind } from '../model/denial.js';
import { groupKeyOf, identify } from './group-key.js';
import { RATE_BUCKETS, bucketOf } from './sparkline.js';

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

/** Denials with the same snap, app, kind and object. Read-only to everyone but the store. */
export interface DenialGroup {
  readonly key: string;
  /** Creation order, used to break ties so that sorting is stable. */
  readonly ordinal: number;
  readonly kind: DenialKind;
  readonly snap: string;
  readonly app: string;
  readonly object: string;
  readonly summary: string;
  /** The most recent denial of the group (raw line, fields, suggestions). */
  readonly latest: Denial;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Oldest first; at most OCCURRENCES_KEPT. */
  readonly occurrences: readonly Occurrence[];
  /** Per-bucket counts, a ring indexed by bucket number modulo RATE_BUCKETS. */
  readonly rate: readonly number[];
  /** The newest bucket number written into `rate`. */
  readonly rateBucket: number;
}

type MutableGroup = { -readonly [K in keyof DenialGroup]: DenialGroup[K] } & {
  occurrences: Occurrence[];
  rate: number[];
  /** The store's change mark when the group last changed. */
  changeMark: number;
};

/** Groups changed since the previous take, and a membership test cheaper than a Set's. */
export interface ChangedGroups {
  readonly groups: readonly DenialGroup[];
  readonly size: number;
  has(group: DenialGroup): boolean;
}

/** Event time of a denial: its audit stamp, its ISO time, or when it arrived. */
export function eventTime(d: Denial, arrivedAt: number): number {
  if (d.auditStamp) return d.auditStamp.seconds * 1000 + d.auditStamp.millis;
  if (d.time && /^\d{4}-\d\d-\d\d/.test(d.time)) {
    const parsed = Date.parse(d.time);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return arrivedAt;
}

/**
 * Groups denials as they arrive: O(1) per event (one Map lookup), bounded memory per group.
 * The only mutable state of the UI; `revision` tells views that something changed and
 * `takeTouched` hands them the groups changed since they last asked.
 */
export class GroupStore {
  private readonly byKey = new Map<string, MutableGroup>();
  private touched: MutableGroup[] = [];
  private changeMark = 1;
  private readonly perKind: Record<DenialKind, number> = { apparmor: 0, seccomp: 0, cgroup: 0 };
  private total = 0;
  private newestBucket = Number.NEGATIVE_INFINITY;
  private newest: DenialGroup | undefined;
  /** Increases on every change; views compare it to know when to recompute. */
  revision = 0;
  /** Increases when groups disappear (clear), which invalidates incremental views. */
  generation = 0;

  add(d: Denial, arrivedAt: number): DenialGroup {
    const identity = identify(d);
    const key = groupKeyOf(d.kind, identity);
    const at = eventTime(d, arrivedAt);
    const times = Math.max(1, d.repeat ?? 1);
    let group = this.byKey.get(key);
    if (!group) {
      group = {
        key,
        ordinal: this.byKey.size,
        kind: d.kind,
        ...identity,
        latest: d,
        count: 0,
        firstSeen: at,
        lastSeen: at,
        occurrences: [],
        // Small integers in a plain array: lighter for the garbage collector than a typed array.
        rate: new Array<number>(RATE_BUCKETS).fill(0),
        rateBucket: bucketOf(at),
        changeMark: 0,
      };
      this.byKey.set(key, group);
    }
    group.count += times;
    if (at >= group.lastSeen) {
      group.lastSeen = at;
      group.latest = d;
    }
    if (at < group.firstSeen) group.firstSeen = at;
    this.countRate(group, at, times);
    group.occurrences.push({ at, pid: d.pid, comm: d.comm, decision: d.decision });
    if (group.occurrences.length > OCCURRENCES_KEPT) group.occurrences.shift();
    this.perKind[d.kind] += times;
    this.total += times;
    if (!this.newest || at >= this.newest.lastSeen) this.newest = group;
    if (group.changeMark !== this.changeMark) {
      group.changeMark = this.changeMark;
      this.touched.push(group);
    }
    this.revision++;
    return group;
  }

  private countRate(group: MutableGroup, at: number, times: number): void {
    const bucket = bucketOf(at);
    if (bucket > group.rateBucket) {
      const cleared = Math.min(bucket - group.rateBucket, RATE_BUCKETS);
      for (let i = 1; i <= cleared; i++) group.rate[(group.rateBucket + i) % RATE_BUCKETS] = 0;
      group.rateBucket = bucket;
    }
    if (bucket > group.rateBucket - RATE_BUCKETS) group.rate[bucket % RATE_BUCKETS]! += times;
    if (bucket > this.newestBucket) this.newestBucket = bucket;
  }

  get(key: string): DenialGroup | undefined {
    return this.byKey.get(key);
  }

  /** All groups in creation order. */
  groups(): IterableIterator<DenialGroup> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Events per kind (repeats counted). */
  kindCounts(): Readonly<Record<DenialKind, number>> {
    return { ...this.perKind };
  }

  get events(): number {
    return this.total;
  }

  /** The bucket of the newest event: "now" for sparklines, so recorded logs draw as they happened. */
  get latestBucket(): number {
    return this.newestBucket;
  }

  /** The group that received the newest event. */
  get newestGroup(): DenialGroup | undefined {
    return this.newest;
  }

  /** Groups added or changed since the previous call. */
  takeTouched(): ChangedGroups {
    const mark = this.changeMark++;
    const groups = this.touched;
    this.touched = [];
    return { groups, size: groups.length, has: (group) => (group as MutableGroup).changeMark === mark };
  }

  clear(): void {
    this.byKey.clear();
    this.touched = [];
    this.changeMark++;
    this.perKind.apparmor = this.perKind.seccomp = this.perKind.cgroup = 0;
    this.total = 0;
    this.newestBucket = Number.NEGATIVE_INFINITY;
    this.newest = undefined;
    this.generation++;
    this.revision++;
  }
}
