import { reviewBarrier, type InterfaceMatch } from './match.js';

/**
 * What plugging the interface costs in privilege: everything it grants, with grants that need
 * a manual `snap connect` weighing more than ones the system connects anyway. An auto-connected
 * giant (browser-support) still loses to a small manual interface (mount-observe) that says
 * exactly this.
 */
export const MANUAL_CONNECT_WEIGHT = 3;

export function privilegeCost(match: InterfaceMatch): number {
  return match.rule.grantCount * (match.rule.autoConnect ? 1 : MANUAL_CONNECT_WEIGHT);
}

/**
 * Best first: interfaces that need no store review, then those whose slot the system itself
 * provides, then the grant that names this access most
 * precisely (exactness), then the one named after what was accessed (mount-observe for
 * /proc/PID/mounts), then the longer literal pattern, then a read-only interface for a read,
 * then the cheapest in privilege.
 */
export function compareMatches(a: InterfaceMatch, b: InterfaceMatch): number {
  return (
    Number(reviewBarrier(a)) - Number(reviewBarrier(b)) ||
    Number(a.rule.implicitSlot !== 'system') - Number(b.rule.implicitSlot !== 'system') ||
    b.exactness - a.exactness ||
    b.relevance - a.relevance ||
    b.literal - a.literal ||
    Number(b.observer ?? false) - Number(a.observer ?? false) ||
    privilegeCost(a) - privilegeCost(b) ||
    compareIds(a.rule.id, b.rule.id)
  );
}

const PLAIN_ID = /^[a-z0-9-]*$/;

/**
 * localeCompare's order; for ids of lower-case letters, digits and hyphens (every interface's)
 * that is code-unit order, which needs no collator (the first localeCompare of a process costs
 * about 10 ms setting one up).
 */
export function compareIds(a: string, b: string): number {
  if (PLAIN_ID.test(a) && PLAIN_ID.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}

export function rankMatches(matches: readonly InterfaceMatch[]): InterfaceMatch[] {
  return [...matches].sort(compareMatches);
}

/** At most this many interfaces are shown: one best and its closest alternatives. */
export const MAX_SHOWN = 3;

/**
 * Keeps the best match and only those alternatives that are nearly as good: a grant at most one
 * step less precise, and no store review unless the best needs it too. A broad interface that happens to
 * include the path (network-control for a /proc read) is not worth a line when a precise one
 * exists.
 */
export function selectShown(ranked: readonly InterfaceMatch[]): InterfaceMatch[] {
  const best = ranked[0];
  if (!best) return [];
  const alternatives = ranked
    .slice(1)
    .filter((m) => m.exactness >= best.exactness - 1 && (!reviewBarrier(m) || reviewBarrier(best)));
  return [best, ...alternatives].slice(0, MAX_SHOWN);
}
