import type { ChangedGroups, DenialGroup, SortKeys } from './group-store.js';

export type SortKey = 'count' | 'last' | 'first';

export const SORT_KEYS: readonly SortKey[] = ['count', 'last', 'first'];

export const SORT_LABELS: Readonly<Record<SortKey, string>> = {
  count: 'count',
  last: 'last seen',
  first: 'first seen',
};

type Compare = (a: SortKeys, b: SortKeys) => number;

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
 * Re-sorts `order` (sorted by `compare` when `changed` began) in place and returns it: groups
 * whose sort keys did not change keep their relative order, so only the changed ones are sorted,
 * then each is put in place by binary search. For t changed groups among n: O(t log n)
 * comparisons and O(n) moves of array slots, without reading the n groups themselves (100,000
 * objects scattered in memory: reading one field of each costs milliseconds in cache misses).
 * In place, because a new array of 100,000 groups per frame would cost more than the merge (fresh
 * pages of the large-object space, and more major collections).
 */
export function mergeChanged(order: DenialGroup[], changed: ChangedGroups, compare: Compare): DenialGroup[] {
  const moved = [...changed.groups].sort(compare);
  const kept = removeChanged(order, changed, compare);
  for (const group of moved) order.push(group);
  // From the back: each changed group goes after the unchanged ones that sort before it, and
  // those after it move up by the number of changed groups still to place (ties cannot happen:
  // the comparators end with the ordinal).
  let end = kept;
  for (let m = moved.length - 1; m >= 0; m--) {
    const group = moved[m]!;
    let low = 0;
    let high = end;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(group, order[middle]!) < 0) high = middle;
      else low = middle + 1;
    }
    for (let i = end - 1; i >= low; i--) order[i + m + 1] = order[i]!;
    order[low + m] = group;
    end = low;
  }
  return order;
}

/**
 * Drops the changed groups from `order` and returns how many groups are left. Each one is found
 * where its keys from before the change put it; if one is not there (an order that was not sorted
 * by `compare`), every group is checked instead.
 */
function removeChanged(order: DenialGroup[], changed: ChangedGroups, compare: Compare): number {
  const positions = oldPositions(order, changed, compare);
  if (positions === undefined) {
    let kept = 0;
    for (let i = 0; i < order.length; i++) {
      const group = order[i]!;
      if (!changed.has(group)) order[kept++] = group;
    }
    order.length = kept;
    return kept;
  }
  positions.sort((a, b) => a - b);
  let kept = positions[0] ?? order.length;
  for (let p = 0; p < positions.length; p++) {
    const to = positions[p + 1] ?? order.length;
    for (let i = positions[p]! + 1; i < to; i++) order[kept++] = order[i]!;
  }
  order.length = kept;
  return kept;
}

/** Where each changed group that was already in `order` is, or undefined if one is not found. */
function oldPositions(
  order: readonly DenialGroup[],
  changed: ChangedGroups,
  compare: Compare,
): number[] | undefined {
  const before = new Map<DenialGroup, SortKeys>();
  changed.groups.forEach((group, index) => {
    const keys = changed.before[index];
    if (keys !== undefined) before.set(group, keys);
  });
  // What `order` was sorted by: the keys before the change for the groups that changed.
  const keysAt = (index: number): SortKeys => {
    const group = order[index]!;
    return changed.has(group) ? (before.get(group) ?? group) : group;
  };
  const positions: number[] = [];
  for (const [group, keys] of before) {
    let low = 0;
    let high = order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(keysAt(middle), keys) < 0) low = middle + 1;
      else high = middle;
    }
    if (order[low] !== group) return undefined;
    positions.push(low);
  }
  return positions;
}
