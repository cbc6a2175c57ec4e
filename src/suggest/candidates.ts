import type { MatchContext } from './match-types.js';
import type { InterfaceRule } from './rules.js';

/**
 * The rules that could allow a denial, in the rule set's order: only those with a seccomp line
 * for the syscall, the capability, or grants of the access's kind (network, D-Bus...). Every
 * other rule's matcher would answer nothing, so leaving it out changes no result; kinds without
 * an index get every rule. (File denials meet their rules through fileMatches instead.)
 */
export function candidateRules(ctx: MatchContext, rules: readonly InterfaceRule[]): readonly InterfaceRule[] {
  if (ctx.exhaustive) return rules;
  const d = ctx.denial;
  switch (ctx.kind) {
    case 'syscall':
      return d.syscall?.name === undefined ? rules : (seccompIndex(rules).get(d.syscall.name) ?? NONE);
    case 'capability':
      return d.capname === undefined ? rules : capabilityRules(rules, d.capname);
    case 'network':
    case 'unix':
    case 'dbus':
    case 'signal':
    case 'ptrace':
    case 'mount':
      return lookup(rules, 'grants', ctx.kind, (r, kind) => r[kind as GrantKind].length > 0);
    case 'userns':
      return lookup(rules, 'grants', ctx.kind, (r) => r.userns);
    default:
      return rules;
  }
}

const NONE: readonly InterfaceRule[] = [];

/**
 * Per rule set: the rules with a seccomp line for each syscall, in the rule set's order, made in
 * one pass over every line (rather than a pass over every rule for each syscall a log names).
 */
const bySyscall = new WeakMap<readonly InterfaceRule[], ReadonlyMap<string, readonly InterfaceRule[]>>();

function seccompIndex(rules: readonly InterfaceRule[]): ReadonlyMap<string, readonly InterfaceRule[]> {
  let index = bySyscall.get(rules);
  if (!index) {
    const made = new Map<string, InterfaceRule[]>();
    for (const rule of rules) {
      for (const { syscall } of rule.seccomp) {
        const list = made.get(syscall);
        if (list === undefined) made.set(syscall, [rule]);
        else if (list[list.length - 1] !== rule) list.push(rule);
      }
    }
    bySyscall.set(rules, (index = made));
  }
  return index;
}

/**
 * Per rule set: the rules granting each capability some rule names, and those granting every
 * capability (`*`, the answer for one no rule names), each list in the rule set's order.
 */
const byCapability = new WeakMap<
  readonly InterfaceRule[],
  { readonly named: ReadonlyMap<string, readonly InterfaceRule[]>; readonly any: readonly InterfaceRule[] }
>();

function capabilityRules(rules: readonly InterfaceRule[], capability: string): readonly InterfaceRule[] {
  let index = byCapability.get(rules);
  if (!index) {
    const names = new Set(rules.flatMap((rule) => rule.capability).filter((name) => name !== '*'));
    const named = new Map<string, InterfaceRule[]>([...names].map((name) => [name, []]));
    const any: InterfaceRule[] = [];
    for (const rule of rules) {
      const all = rule.capability.includes('*');
      if (all) any.push(rule);
      for (const [name, list] of named) if (all || rule.capability.includes(name)) list.push(rule);
    }
    byCapability.set(rules, (index = { named, any }));
  }
  return index.named.get(capability) ?? index.any;
}

/** Access kinds whose matcher finds nothing in a rule without grants of that kind. */
type GrantKind = 'network' | 'unix' | 'dbus' | 'signal' | 'ptrace' | 'mount';

/** Per rule set: per index (the access kinds), the rules found for each key. */
const indexes = new WeakMap<readonly InterfaceRule[], Map<string, readonly InterfaceRule[]>>();
const KEYS_KEPT = 2_000;

function lookup(
  rules: readonly InterfaceRule[],
  index: string,
  value: string,
  applies: (rule: InterfaceRule, value: string) => boolean,
): readonly InterfaceRule[] {
  let known = indexes.get(rules);
  if (!known) indexes.set(rules, (known = new Map()));
  const key = `${index}\0${value}`;
  let found = known.get(key);
  if (!found) {
    found = rules.filter((rule) => applies(rule, value));
    if (known.size >= KEYS_KEPT) known.clear();
    known.set(key, found);
  }
  return found;
}
