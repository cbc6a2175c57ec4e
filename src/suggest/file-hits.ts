import {
  compiledFor,
  expressionMatches,
  grantsUnder,
  mayMatchUnder,
  snapIndependent,
  type CompiledFiles,
} from './file-index.js';
import { literalTestOf, passesLiteralTest, type GlobVariables, type LiteralTest } from './glob.js';
import type { FileGrant, InterfaceRule } from './rules.js';

/** One rule's file grant, with the rule's place in the rule set and the glob's literal test. */
interface Entry {
  readonly place: number;
  readonly rule: InterfaceRule;
  readonly compiled: CompiledFiles;
  readonly index: number;
  readonly grant: FileGrant;
  readonly test: LiteralTest;
}

/** A top directory's grants by name key (nameKeys), and those for any name, in rule-set order. */
interface TopEntries {
  readonly byKey: ReadonlyMap<string, readonly Entry[]>;
  readonly anyName: readonly Entry[];
}

/**
 * Per rule set: the entries of rules whose globs name no snap variable, for each top directory
 * (the same for every snap); and per binding, those of the few rules whose globs do.
 */
const shared = new WeakMap<readonly InterfaceRule[], Map<string, TopEntries>>();
const ownBinding = new WeakMap<readonly InterfaceRule[], WeakMap<GlobVariables, Map<string, TopEntries>>>();
const TOPS_KEPT = 2_000;

/**
 * Each rule with file grants whose glob matches the path, with those grants (in the rule's
 * order), rules in the rule set's order: what matchingGrants finds rule by rule, found in one
 * pass over the grants filed under the path's top directory and name keys, so rules without a
 * hit cost nothing.
 */
export function fileHits(
  rules: readonly InterfaceRule[],
  variables: GlobVariables,
  path: string,
  owned: boolean,
  top: string,
  nameKeys: readonly string[],
): [InterfaceRule, FileGrant[]][] {
  const [exact, start] = nameKeys;
  const hits: Entry[] = [];
  let lists = 0;
  for (const { byKey, anyName } of [
    sharedEntries(rules, variables, top),
    ownEntries(rules, variables, top),
  ]) {
    for (const list of [byKey.get(exact!), start === undefined ? undefined : byKey.get(start), anyName]) {
      if (list === undefined || list.length === 0) continue;
      const before = hits.length;
      for (const entry of list) {
        if (entry.grant.owner && !owned) continue;
        if (!passesLiteralTest(entry.test, path)) continue;
        if (expressionMatches(entry.compiled, entry.index, entry.grant.path, path)) hits.push(entry);
      }
      if (hits.length > before) lists++;
    }
  }
  if (lists > 1) hits.sort((a, b) => a.place - b.place || a.index - b.index);
  const out: [InterfaceRule, FileGrant[]][] = [];
  for (const { rule, grant } of hits) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0] === rule) last[1].push(grant);
    else out.push([rule, [grant]]);
  }
  return out;
}

function sharedEntries(rules: readonly InterfaceRule[], variables: GlobVariables, top: string): TopEntries {
  let known = shared.get(rules);
  if (!known) shared.set(rules, (known = new Map()));
  return entriesFor(known, rules, variables, top, true);
}

function ownEntries(rules: readonly InterfaceRule[], variables: GlobVariables, top: string): TopEntries {
  let perBinding = ownBinding.get(rules);
  if (!perBinding) ownBinding.set(rules, (perBinding = new WeakMap()));
  let known = perBinding.get(variables);
  if (!known) perBinding.set(variables, (known = new Map()));
  return entriesFor(known, rules, variables, top, false);
}

/**
 * Per rule set: the places of the rules with file grants whose globs name no snap variable, and
 * of those whose globs do (a few), in order: each snap's own entries are made from the second.
 */
const places = new WeakMap<
  readonly InterfaceRule[],
  { readonly independent: number[]; readonly dependent: number[] }
>();

function placesOf(rules: readonly InterfaceRule[], independent: boolean): readonly number[] {
  let known = places.get(rules);
  if (!known) {
    known = { independent: [], dependent: [] };
    rules.forEach((rule, place) => {
      if (rule.file.length > 0) (snapIndependent(rule) ? known!.independent : known!.dependent).push(place);
    });
    places.set(rules, known);
  }
  return independent ? known.independent : known.dependent;
}

function entriesFor(
  known: Map<string, TopEntries>,
  rules: readonly InterfaceRule[],
  variables: GlobVariables,
  top: string,
  independent: boolean,
): TopEntries {
  let entries = known.get(top);
  if (!entries) {
    const byKey = new Map<string, Entry[]>();
    const anyName: Entry[] = [];
    for (const place of placesOf(rules, independent)) {
      const rule = rules[place]!;
      if (!mayMatchUnder(rule, variables, top)) continue;
      const compiled = compiledFor(rule, variables);
      const named = grantsUnder(rule, variables, top);
      const entry = (index: number): Entry => {
        const grant = rule.file[index]!;
        return { place, rule, compiled, index, grant, test: literalTestOf(grant.path) };
      };
      for (const [key, indexes] of named.byKey) {
        let list = byKey.get(key);
        if (!list) byKey.set(key, (list = []));
        for (const index of indexes) list.push(entry(index));
      }
      for (const index of named.anyName) anyName.push(entry(index));
    }
    entries = { byKey, anyName };
    if (known.size >= TOPS_KEPT) known.clear();
    known.set(top, entries);
  }
  return entries;
}
