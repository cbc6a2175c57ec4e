import type { Denial, DenialKind } from '../model/denial.js';
import type { CompactDenial } from './compact-denial.js';
import type { GroupColumns, Occurrence } from './group-columns.js';
import type { DenialGroup } from './group-store.js';
import { appOf, snapOf } from './group-key.js';
import { bucketOf } from './sparkline.js';

const OWNER = Symbol('group');

interface WithOwner {
  readonly [OWNER]: StoredGroup;
}

function rawOfOwner(this: WithOwner): string {
  return this[OWNER].lineRaw();
}

function logOfOwner(this: WithOwner): string {
  return this[OWNER].lineLog();
}

/**
 * The group's kept record as a Denial: its `raw` and `log` members read the group's line from the
 * store's LineArena (same getters for every record, so records of one shape share one hidden class).
 */
function withLine(record: CompactDenial, group: StoredGroup): Denial {
  return Object.defineProperties(record, {
    raw: { get: rawOfOwner, enumerable: true },
    log: { get: logOfOwner, enumerable: true },
    [OWNER]: { value: group },
  }) as Denial;
}

/**
 * A group as the store keeps it: scalars here, its rings in the store's shared columns, its kind,
 * snap and app read from its record (100,000 groups: 2.4 MB less than three members each).
 */
export class StoredGroup implements DenialGroup {
  count = 0;
  rateBucket: number;
  /** Occurrences written so far (the columns keep the last OCCURRENCES_KEPT). */
  written = 0;
  /** The store's change mark when the group last changed. */
  changeMark = 0;

  private record: Denial;

  constructor(
    readonly key: string,
    readonly ordinal: number,
    readonly summary: string,
    latest: CompactDenial,
    at: number,
    private readonly columns: GroupColumns,
  ) {
    this.record = withLine(latest, this);
    columns.setFirstSeen(ordinal, at);
    columns.setLastSeen(ordinal, at);
    this.rateBucket = bucketOf(at);
  }

  /** Every record of the group has the group's kind, snap and app (they are part of its key). */
  get kind(): DenialKind {
    return this.record.kind;
  }

  get snap(): string {
    return snapOf(this.record);
  }

  get app(): string {
    return appOf(this.record);
  }

  /** The newest record; its `raw` and `log` are read from the line kept with `keepLine`. */
  get latest(): Denial {
    return this.record;
  }

  /** The kept record without its line, to refresh in place. */
  get compact(): CompactDenial {
    return this.record;
  }

  /** Makes `record` (the compact copy of the newest denial) the group's newest record. */
  setLatest(record: CompactDenial): void {
    if (record !== this.record) this.record = withLine(record, this);
  }

  /** Keeps the newest denial's line and log text (outside the JavaScript heap). */
  keepLine(raw: string, log: string): void {
    this.columns.lines.put(this.ordinal, raw, log);
  }

  lineRaw(): string {
    return this.columns.lines.raw(this.ordinal);
  }

  lineLog(): string {
    return this.columns.lines.log(this.ordinal);
  }

  get firstSeen(): number {
    return this.columns.firstSeen(this.ordinal);
  }

  get lastSeen(): number {
    return this.columns.lastSeen(this.ordinal);
  }

  /** The key's last part (not kept twice). */
  get object(): string {
    const { record } = this;
    return this.key.slice(snapOf(record).length + appOf(record).length + record.kind.length + 3);
  }

  get occurrences(): readonly Occurrence[] {
    return this.columns.occurrences(this.ordinal, this.written);
  }

  get rate(): ArrayLike<number> {
    return this.columns.rate(this.ordinal);
  }
}
