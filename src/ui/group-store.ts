import type { Denial, DenialKind } from '../model/denial.js';
import { compactDenial, refreshedDenial } from './compact-denial.js';
import { GroupColumns, type Occurrence } from './group-columns.js';
import { ownCopy } from './own-copy.js';
import { StoredGroup } from './stored-group.js';
import { appOf, groupKeyOf, objectOf, snapOf, summaryOf } from './group-key.js';
import { RATE_BUCKETS, bucketOf } from './sparkline.js';

export { OCCURRENCES_KEPT, type Occurrence } from './group-columns.js';

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
  /**
   * The most recent denial of the group (raw line, fields, suggestions): the one record kept, as
   * compactDenial copies it (without the members the UI never reads: its times are the group's).
   * Its `raw` and `log` are getters reading the line from the store's LineArena; spreading the
   * record or reading them gives plain strings. Refreshed in place by later events of the group.
   */
  readonly latest: Denial;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Oldest first; at most OCCURRENCES_KEPT. Built on each read (the store keeps them in columns). */
  readonly occurrences: readonly Occurrence[];
  /** Per-bucket counts, a ring indexed by bucket number modulo RATE_BUCKETS. */
  readonly rate: ArrayLike<number>;
  /** The newest bucket number written into `rate`. */
  readonly rateBucket: number;
}

/** What the list is sorted by. */
export type SortKeys = Pick<DenialGroup, 'ordinal' | 'count' | 'firstSeen' | 'lastSeen'>;

/** Groups changed since the previous take, and a membership test cheaper than a Set's. */
export interface ChangedGroups {
  readonly groups: readonly DenialGroup[];
  /**
   * Per group (same index), its sort keys at the previous take; undefined for a group created
   * since. An order sorted then can find each changed group by binary search instead of a scan.
   */
  readonly before: readonly (SortKeys | undefined)[];
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

function keysOf(group: DenialGroup): SortKeys {
  return { ordinal: group.ordinal, count: group.count, firstSeen: group.firstSeen, lastSeen: group.lastSeen };
}

/**
 * Groups denials as they arrive: O(1) per event (one Map lookup), bounded memory per group.
 * The only mutable state of the UI; `revision` tells views that something changed and
 * `takeTouched` hands them the groups changed since they last asked.
 */
export class GroupStore {
  private readonly byKey = new Map<string, StoredGroup>();
  private columns = new GroupColumns();
  /** One copy of each snap, app and repeated record name, however many records carry their own. */
  private readonly names = new Map<string, string>();
  private touched: StoredGroup[] = [];
  private touchedBefore: (SortKeys | undefined)[] = [];
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
    const snap = this.intern(snapOf(d));
    const app = this.intern(appOf(d));
    const object = objectOf(d);
    const key = groupKeyOf(d.kind, { snap, app, object });
    const at = eventTime(d, arrivedAt);
    const times = Math.max(1, d.repeat ?? 1);
    let group = this.byKey.get(key);
    if (group && group.changeMark !== this.changeMark) this.touch(group, keysOf(group));
    if (!group) {
      const ordinal = this.byKey.size;
      this.columns.ensure(ordinal);
      // The key and summary are built from slices of this record's line: copies keep only themselves.
      const ownKey = ownCopy(key);
      const sample = compactDenial(d, this.intern);
      group = new StoredGroup(ownKey, ordinal, ownCopy(summaryOf(d)), sample, at, this.columns);
      group.keepLine(d.raw, d.log);
      this.byKey.set(ownKey, group);
      this.touch(group, undefined);
    } else if (at >= group.lastSeen) {
      group.setLatest(refreshedDenial(group.compact, d, this.intern));
      group.keepLine(d.raw, d.log);
    }
    group.count += times;
    if (at >= group.lastSeen) this.columns.setLastSeen(group.ordinal, at);
    if (at < group.firstSeen) this.columns.setFirstSeen(group.ordinal, at);
    this.countRate(group, at, times);
    this.columns.writeOccurrence(group.ordinal, group.written++, at, d.pid, d.comm, d.decision);
    this.perKind[d.kind] += times;
    this.total += times;
    if (!this.newest || at >= this.newest.lastSeen) this.newest = group;
    this.revision++;
    return group;
  }

  private touch(group: StoredGroup, before: SortKeys | undefined): void {
    group.changeMark = this.changeMark;
    this.touched.push(group);
    this.touchedBefore.push(before);
  }

  /**
   * A name the store already holds, else an own copy of this one. Parsed records carry their own
   * copies (often slices that keep the whole line alive); the store keeps one.
   */
  private readonly intern = (name: string): string => {
    const known = this.names.get(name);
    if (known !== undefined) return known;
    const own = ownCopy(name);
    this.names.set(own, own);
    return own;
  };

  private countRate(group: StoredGroup, at: number, times: number): void {
    const bucket = bucketOf(at);
    const { ordinal } = group;
    if (bucket > group.rateBucket) {
      const cleared = Math.min(bucket - group.rateBucket, RATE_BUCKETS);
      for (let i = 1; i <= cleared; i++)
        this.columns.setRate(ordinal, (group.rateBucket + i) % RATE_BUCKETS, 0);
      group.rateBucket = bucket;
    }
    if (bucket > group.rateBucket - RATE_BUCKETS) this.columns.addRate(ordinal, bucket % RATE_BUCKETS, times);
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
    const before = this.touchedBefore;
    this.touched = [];
    this.touchedBefore = [];
    return {
      groups,
      before,
      size: groups.length,
      has: (group) => (group as StoredGroup).changeMark === mark,
    };
  }

  clear(): void {
    this.byKey.clear();
    this.columns = new GroupColumns();
    this.names.clear();
    this.touched = [];
    this.touchedBefore = [];
    this.changeMark++;
    this.perKind.apparmor = this.perKind.seccomp = this.perKind.cgroup = 0;
    this.total = 0;
    this.newestBucket = Number.NEGATIVE_INFINITY;
    this.newest = undefined;
    this.generation++;
    this.revision++;
  }
}
