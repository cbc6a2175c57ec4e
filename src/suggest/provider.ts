import type { Suggestion } from '../model/denial.js';
import { isFullMatch, matchInterface, onePassMatches, type MatchContext, type MatchResult } from './match.js';
import type { InterfaceRule } from './rules.js';

/**
 * Interfaces whose *slot* side allows the access: the snap is the service (a Wayland compositor
 * locking its socket, a player owning its MPRIS name) and declares the slot instead of a plug.
 * Only file and D-Bus denials, and only grants that name the object (no tree-wide or template
 * rules), so a client's denial is not mistaken for a provider's.
 */
export function providerMatches(ctx: MatchContext, rules: readonly InterfaceRule[]): Suggestion[] {
  if (ctx.kind !== 'file' && ctx.kind !== 'dbus') return [];
  const { providers, ruleOf, pairs } = providersOf(rules);
  // A denial's slot-side grants are found in one pass, as its plug-side ones are.
  const onePass = ruleOf.size === providers.length ? onePassMatches(ctx, providers) : undefined;
  const results: (readonly [InterfaceRule, MatchResult])[] = onePass
    ? onePass.map((match) => [ruleOf.get(match!.rule)!, match] as const)
    : pairs.map(([rule, provider]) => [rule, matchInterface(ctx, provider)] as const);
  const out: Suggestion[] = [];
  for (const [rule, match] of results) {
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

interface Providers {
  /** The slot-side rules, in the rule set's order (one-pass matching needs each object once). */
  readonly providers: readonly InterfaceRule[];
  readonly ruleOf: ReadonlyMap<InterfaceRule, InterfaceRule>;
  /** Each rule with a slot side and that side's rule. */
  readonly pairs: readonly (readonly [InterfaceRule, InterfaceRule])[];
}

const providersCache = new WeakMap<readonly InterfaceRule[], Providers>();

function providersOf(rules: readonly InterfaceRule[]): Providers {
  let found = providersCache.get(rules);
  if (!found) {
    const pairs = rules.flatMap((rule) => (rule.providerRule ? [[rule, rule.providerRule] as const] : []));
    found = {
      providers: pairs.map(([, provider]) => provider),
      ruleOf: new Map(pairs.map(([rule, provider]) => [provider, rule])),
      pairs,
    };
    providersCache.set(rules, found);
  }
  return found;
}
