import type { Suggestion } from '../model/denial.js';
import { mayMatchUnder } from './file-index.js';
import { isFullMatch, matchInterface, type MatchContext } from './match.js';
import type { InterfaceRule } from './rules.js';

/**
 * Interfaces whose *slot* side allows the access: the snap is the service (a Wayland compositor
 * locking its socket, a player owning its MPRIS name) and declares the slot instead of a plug.
 * Only file and D-Bus denials, and only grants that name the object (no tree-wide or template
 * rules), so a client's denial is not mistaken for a provider's.
 */
export function providerMatches(ctx: MatchContext, rules: readonly InterfaceRule[]): Suggestion[] {
  if (ctx.kind !== 'file' && ctx.kind !== 'dbus') return [];
  const out: Suggestion[] = [];
  for (const rule of rules) {
    if (!rule.providerRule) continue;
    if (
      ctx.kind === 'file' &&
      !ctx.exhaustive &&
      !mayMatchUnder(rule.providerRule, ctx.variables, ctx.pathTop)
    )
      continue;
    const match = matchInterface(ctx, rule.providerRule);
    if (!isFullMatch(match) || match.exactness < 2 || match.broad || match.incidental) continue;
    out.push({
      kind: 'interface',
      id: rule.id,
      text: `add '${rule.id}' to 'slots': the snap provides the ${rule.id} service itself (slots: [${rule.id}])`,
      reason: `slot-side ${match.reason}`,
      autoConnect: rule.autoConnect,
      needsReview: rule.needsReview,
      slotsLine: `slots: [${rule.id}]`,
    });
  }
  return out;
}
