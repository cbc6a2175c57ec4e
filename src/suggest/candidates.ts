import type { GlobVariables } from './glob.js';
import { grantsUnder, mayMatchUnder } from './file-index.js';
import { mergeSorted } from './merge.js';
import type { MatchContext } from './match-types.js';
import type { InterfaceRule } from './rules.js';

/**
 * The rules that could allow a denial, in the rule set's order: only those with a file glob
 * able to match under the path's top directory with its file name, a seccomp line for the
 * syscall, the capability, or grants of the access's kind (network, D-Bus...). Every other
 * rule's matcher would answer nothing, so leaving it out changes no result; kinds without an
 * index get every rule.
 */
export function candidateRules(ctx: MatchContext, rules: readonly InterfaceRule[]): readonly InterfaceRule[] {
  if (ctx.exhaustive) return rules;
  const d = ctx.denial;
  switch (ctx.kind) {
    case 'file':
      return byFileName(rules, ctx.variables, ctx.pathTop, ctx.pathNameKeys);
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

/** Rules (by their place in the rule set) by the name keys of their globs, and those for any name. */
interface RulesByName {
  readonly byKey: ReadonlyMap<string, readonly number[]>;
  readonly anyName: readonly number[];
}

/** Per rule set and variable binding: the rules for each top directory, by file name. */
const nameIndexes = new WeakMap<readonly InterfaceRule[], WeakMap<GlobVariables, Map<string, RulesByName>>>();

/** The rules for the top directory narrowed to those with a glob for this file name (or any). */
function byFileName(
  rules: readonly InterfaceRule[],
  variables: GlobVariables,
  top: string,
  nameKeys: readonly string[],
): readonly InterfaceRule[] {
  let perBinding = nameIndexes.get(rules);
  if (!perBinding) nameIndexes.set(rules, (perBinding = new WeakMap()));
  let known = perBinding.get(variables);
  if (!known) perBinding.set(variables, (known = new Map()));
  let index = known.get(top);
  if (!index) {
    index = rulesByName(rules, variables, top);
    if (known.size >= KEYS_KEPT) known.clear();
    known.set(top, index);
  }
  const [exact, start] = nameKeys;
  const places = mergeSorted(
    index.byKey.get(exact!) ?? NONE,
    (start !== undefined && index.byKey.get(start)) || NONE,
    index.anyName,
  );
  return places.map((place) => rules[place]!);
}

const NONE: readonly number[] = [];

function rulesByName(rules: readonly InterfaceRule[], variables: GlobVariables, top: string): RulesByName {
  const byKey = new Map<string, number[]>();
  const anyName: number[] = [];
  rules.forEach((rule, index) => {
    if (!mayMatchUnder(rule, variables, top)) return;
    const grants = grantsUnder(rule, variables, top);
    if (grants.anyName.length > 0) anyName.push(index);
    else
      for (const key of grants.byKey.keys()) {
        const same = byKey.get(key);
        if (same) same.push(index);
        else byKey.set(key, [index]);
      }
  });
  return { byKey, anyName };
}
