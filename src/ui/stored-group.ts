import type { Denial, DenialKind } from '../model/denial.js';
import type { GroupColumns, Occurrence } from './group-columns.js';
import type { DenialGroup } from './group-store.js';
import { bucketOf } from './sparkline.js';

/**
 * The same text as one flat string. A string built by concatenation is a tree of its parts, and
 * the parts may be slices of the record's whole log line: kept as a tree, a group's summary would
 * keep its first line alive besides its newest. Converting to a number flattens it in place.
 */
export function flattened(text: string): string {
  Number(text);
  return text;
}

/** A group as the store keeps it: scalars here, its rings in the store's shared columns. */
export class StoredGroup implements DenialGroup {
  count = 0;
  rateBucket: number;
  /** Occurrences written so far (the columns keep the last OCCURRENCES_KEPT). */
  written = 0;
  /** The store's change mark when the group last changed. */
  changeMark = 0;

  constructor(
    readonly key: string,
    readonly ordinal: number,
    readonly kind: DenialKind,
    readonly snap: string,
    readonly app: string,
    readonly summary: string,
    public latest: Denial,
    at: number,
    private readonly columns: GroupColumns,
  ) {
    columns.setFirstSeen(ordinal, at);
    columns.setLastSeen(ordinal, at);
    this.rateBucket = bucketOf(at);
  }

  get firstSeen(): number {
    return this.columns.firstSeen(this.ordinal);
  }

  get lastSeen(): number {
    return this.columns.lastSeen(this.ordinal);
  }

  /** The key's last part (not kept twice). */
  get object(): string {
    return this.key.slice(this.snap.length + this.app.length + this.kind.length + 3);
  }

  get occurrences(): readonly Occurrence[] {
    return this.columns.occurrences(this.ordinal, this.written);
  }

  get rate(): ArrayLike<number> {
    return this.columns.rate(this.ordinal);
  }
}
