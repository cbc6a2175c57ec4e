import { KIND_LABELS } from './format.js';
import { SORT_LABELS } from './sort.js';
import type { UiState } from './state.js';

/** The view in words, for the report: snap, kinds, filter, sort, reviewed. */
export function viewDescription(
  state: Pick<UiState, 'snap' | 'kinds' | 'filter' | 'sort' | 'hideReviewed'>,
): string {
  const kinds = (Object.keys(state.kinds) as (keyof typeof state.kinds)[])
    .filter((kind) => state.kinds[kind])
    .map((kind) => KIND_LABELS[kind]);
  return [
    state.snap ? `snap ${state.snap}` : 'all snaps',
    kinds.length === 3 ? 'all kinds' : `kinds ${kinds.join(', ') || 'none'}`,
    state.filter ? `filter "${state.filter}"` : 'no filter',
    `sorted by ${SORT_LABELS[state.sort]}`,
    ...(state.hideReviewed ? ['reviewed groups hidden'] : []),
  ].join(', ');
}
