import type { InterfaceMatch } from './match.js';

/**
 * Best first: interfaces that need no store review, then the grant that names this access most
 * precisely, then auto-connecting ones, then the interface that grants least overall.
 */
export function compareMatches(a: InterfaceMatch, b: InterfaceMatch): number {
  return (
    Number(a.rule.needsReview) - Number(b.rule.needsReview) ||
    b.exactness - a.exactness ||
    Number(b.rule.autoConnect) - Number(a.rule.autoConnect) ||
    a.rule.grantCount - b.rule.grantCount ||
    b.literal - a.literal ||
    a.rule.id.localeCompare(b.rule.id)
  );
}

export function rankMatches(matches: readonly InterfaceMatch[]): InterfaceMatch[] {
  return [...matches].sort(compareMatches);
}

/** At most this many interfaces are shown: one best and its closest alternatives. */
export const MAX_SHOWN = 3;

/**
 * Keeps the best match and only those alternatives that are nearly as good: as precise a
 * grant, and no store review unless the best needs it too. A broad interface that happens to
 * include the path (network-control for a /proc read) is not worth a line when a precise one
 * exists.
 */
export function selectShown(ranked: readonly InterfaceMatch[]): InterfaceMatch[] {
  const best = ranked[0];
  if (!best) return [];
  const alternatives = ranked
    .slice(1)
    .filter((m) => m.exactness >= best.exactness && (!m.rule.needsReview || best.rule.needsReview));
  return [best, ...alternatives].slice(0, MAX_SHOWN);
}
