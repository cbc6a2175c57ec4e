import type { DenialKind } from '../model/denial.js';
import { compileFilter, searchableText, type TextFilter } from './filter.js';
import type { ChangedGroups, DenialGroup, GroupStore } from './group-store.js';
import { COMPARATORS, mergeChanged, type SortKey } from './sort.js';

/** What the user asked to see. */
export interface ViewQuery {
  readonly sort: SortKey;
  readonly kinds: Readonly<Record<DenialKind, boolean>>;
  /** Only this snap (instance or snap name). */
  readonly snap?: string;
  /** The `/` filter source, "" for none. */
  readonly filter: string;
  readonly reviewed: ReadonlySet<string>;
  readonly hideReviewed: boolean;
}

/** The rows to show, in order, and where the newest activity is among them. */
export interface VisibleView {
  readonly rows: readonly DenialGroup[];
  /** Index of the visible group with the newest event, -1 when there are no rows. */
  readonly newestIndex: number;
  /** How the filter was understood, when there is one. */
  readonly filterMode?: TextFilter['mode'];
}

/**
 * Orders and filters the store's groups. The order is kept between calls and updated with
 * only the groups that changed; filter matches are cached per group until it changes.
 */
export class GroupView {
  private sorted: DenialGroup[] = [];
  private sortedFor: { sort: SortKey; generation: number; revision: number } | undefined;
  private matches = new Map<DenialGroup, boolean>();
  private matchesFor = '';
  private filter: TextFilter | undefined;
  private last: { query: ViewQuery; revision: number; view: VisibleView } | undefined;

  constructor(private readonly store: GroupStore) {}

  compute(query: ViewQuery): VisibleView {
    const revision = this.store.revision;
    if (this.last && this.last.query === query && this.last.revision === revision) return this.last.view;
    const changed = this.updateOrder(query.sort);
    this.updateFilter(query.filter, changed);
    const view = this.select(query);
    this.last = { query, revision, view };
    return view;
  }

  private updateOrder(sort: SortKey): ChangedGroups {
    const { store } = this;
    const previous = this.sortedFor;
    const changed = store.takeTouched();
    if (previous && previous.sort === sort && previous.generation === store.generation) {
      if (previous.revision !== store.revision && changed.size > 0) {
        this.sorted =
          changed.size * 4 > this.sorted.length
            ? [...store.groups()].sort(COMPARATORS[sort])
            : mergeChanged(this.sorted, changed, COMPARATORS[sort]);
      }
    } else {
      this.sorted = [...store.groups()].sort(COMPARATORS[sort]);
      if (!previous || previous.generation !== store.generation) this.matches.clear();
    }
    this.sortedFor = { sort, generation: store.generation, revision: store.revision };
    return changed;
  }

  private updateFilter(source: string, changed: ChangedGroups): void {
    if (source !== this.matchesFor) {
      this.matches = new Map();
      this.matchesFor = source;
      this.filter = compileFilter(source);
      return;
    }
    for (const group of changed.groups) this.matches.delete(group);
  }

  private matchesFilter(group: DenialGroup): boolean {
    const { filter } = this;
    if (!filter) return true;
    let hit = this.matches.get(group);
    if (hit === undefined) {
      hit = filter.test(searchableText(group));
      this.matches.set(group, hit);
    }
    return hit;
  }

  private select(query: ViewQuery): VisibleView {
    const { kinds } = query;
    const unfiltered =
      kinds.apparmor && kinds.seccomp && kinds.cgroup && !query.snap && !this.filter && !query.hideReviewed;
    // Nothing to drop: the sorted order is the view, without copying 100,000 rows per frame.
    if (unfiltered) return { rows: this.sorted, newestIndex: this.newestIndexIn(this.sorted) };
    const rows: DenialGroup[] = [];
    let newestIndex = -1;
    let newestAt = Number.NEGATIVE_INFINITY;
    const newest = this.store.newestGroup;
    for (const group of this.sorted) {
      if (!query.kinds[group.kind]) continue;
      if (query.snap && group.snap !== query.snap && group.latest.snap !== query.snap) continue;
      if (query.hideReviewed && query.reviewed.has(group.key)) continue;
      if (!this.matchesFilter(group)) continue;
      if (group === newest || group.lastSeen > newestAt) {
        newestAt = group === newest ? Number.POSITIVE_INFINITY : group.lastSeen;
        newestIndex = rows.length;
      }
      rows.push(group);
    }
    return { rows, newestIndex, ...(this.filter ? { filterMode: this.filter.mode } : {}) };
  }

  private newestIndexIn(rows: readonly DenialGroup[]): number {
    const newest = this.store.newestGroup;
    return newest ? rows.indexOf(newest) : -1;
  }
}
