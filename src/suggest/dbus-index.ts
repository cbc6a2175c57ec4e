import { literalTestOf } from './glob.js';
import { dbusGrantAllows, dbusQuery, dbusResult } from './match-dbus.js';
import type { MatchContext, MatchResult } from './match-types.js';
import type { DbusGrant, InterfaceRule } from './rules.js';

/** One rule's D-Bus grant, with the rule's place in its list and the grant's in the rule. */
interface Entry {
  readonly place: number;
  readonly rule: InterfaceRule;
  readonly index: number;
  readonly grant: DbusGrant;
}

/**
 * A rule list's D-Bus grants filed by the one interface name a grant allows (most name one
 * literally), and those that allow any or a pattern: a message is tried only against the grants
 * filed under its interface and the rest. Both lists are in rule order, then grant order.
 */
interface DbusIndex {
  readonly byInterface: ReadonlyMap<string, readonly Entry[]>;
  readonly other: readonly Entry[];
}

const indexes = new WeakMap<readonly InterfaceRule[], DbusIndex>();

function indexOf(rules: readonly InterfaceRule[]): DbusIndex {
  let index = indexes.get(rules);
  if (!index) {
    const byInterface = new Map<string, Entry[]>();
    const other: Entry[] = [];
    rules.forEach((rule, place) =>
      rule.dbus.forEach((grant, i) => {
        const entry = { place, rule, index: i, grant };
        // globOk on a literal glob is an equality with the glob's exact text.
        const exact = grant.interface === undefined ? undefined : literalTestOf(grant.interface).exact;
        if (exact === undefined) other.push(entry);
        else {
          const list = byInterface.get(exact);
          if (list) list.push(entry);
          else byInterface.set(exact, [entry]);
        }
      }),
    );
    index = { byInterface, other };
    indexes.set(rules, index);
  }
  return index;
}

/**
 * matchDbus for every rule of the list in one pass: the results of the rules with a grant that
 * allows the message, in the list's order (every other rule's is undefined, as matchDbus says).
 */
export function dbusMatches(ctx: MatchContext, rules: readonly InterfaceRule[]): MatchResult[] {
  const query = dbusQuery(ctx);
  const { byInterface, other } = indexOf(rules);
  const named = query.dbus.interface === undefined ? undefined : byInterface.get(query.dbus.interface);
  const out: MatchResult[] = [];
  let rule: InterfaceRule | undefined;
  let allowing: DbusGrant[] = [];
  const flush = (): void => {
    if (rule !== undefined && allowing.length > 0) {
      const result = dbusResult(rule, allowing, query);
      if (result !== undefined) out.push(result);
    }
    allowing = [];
  };
  // The two lists merged in rule and grant order, as matchDbus sees each rule's grants.
  let a = 0;
  let b = 0;
  const first = named ?? [];
  while (a < first.length || b < other.length) {
    const x = first[a];
    const y = other[b];
    let entry: Entry;
    if (
      y === undefined ||
      (x !== undefined && (x.place < y.place || (x.place === y.place && x.index < y.index)))
    ) {
      entry = x!;
      a++;
    } else {
      entry = y;
      b++;
    }
    if (entry.rule !== rule) {
      flush();
      rule = entry.rule;
    }
    if (dbusGrantAllows(entry.grant, query)) allowing.push(entry.grant);
  }
  flush();
  return out;
}
