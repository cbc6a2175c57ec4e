import type { ChangedGroups, DenialGroup } from './group-store.js';

export type SortKey = 'count' | 'last' | 'first';

export const SORT_KEYS: readonly SortKey[] = ['count', 'last', 'first'];

export const SORT_LABELS: Readonly<Record<SortKey, string>> = {
  count: 'count',
  last: 'last seen',
  first: 'first seen',
};

type Compare = (a: DenialGroup, b: DenialGroup) => number;

/** Most frequent first; most recent last-seen first; oldest first-seen first. Ties by creation order. */
export const COMPARATORS: Readonly<Record<SortKey, Compare>> = {
  count: (a, b) => b.count - a.count || b.lastSeen - a.lastSeen || a.ordinal - b.ordinal,
  last: (a, b) => b.lastSeen - a.lastSeen || a.ordinal - b.ordinal,
  first: (a, b) => a.firstSeen - b.firstSeen || a.ordinal - b.ordinal,
};

export function nextSort(sort: SortKey): SortKey {
  return SORT_KEYS[(SORT_KEYS.indexOf(sort) + 1) % SORT_KEYS.length]!;
}

/**
 * Re-sorts incrementally: groups whose sort keys did not change keep their relative order, so
 * only the changed ones are sorted and merged back in. O(n + t log t) for t changed groups.
 */
export function mergeChanged(
  previous: readonly DenialGroup[],
  changed: ChangedGroups,
  compare: Compare,
): DenialGroup[] {
  const moved = [...changed.groups].sort(compare);
  const result: DenialGroup[] = new Array<DenialGroup>(previous.length + moved.length);
  let size = 0;
  let m = 0;
  for (const group of previous) {
    if (changed.has(group)) continue;
    while (m < moved.length && compare(moved[m]!, group) < 0) result[size++] = moved[m++]!;
    result[size++] = group;
  }
  while (m < moved.length) result[size++] = moved[m++]!;
  result.length = size;
  return result;
}
