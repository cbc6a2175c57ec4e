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
      return d.syscall?.name === undefined
        ? rules
        : lookup(rules, 'syscall', d.syscall.name, (r, name) => r.seccomp.some((s) => s.syscall === name));
    case 'capability':
      return d.capname === undefined
        ? rules
        : lookup(
            rules,
            'capability',
            d.capname,
            (r, cap) => r.capability.includes(cap) || r.capability.includes('*'),
          );
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

/** Access kinds whose matcher finds nothing in a rule without grants of that kind. */
type GrantKind = 'network' | 'unix' | 'dbus' | 'signal' | 'ptrace' | 'mount';

/** Per rule set: per index ("syscall", "capability"), the rules found for each key. */
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
