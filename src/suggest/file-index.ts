import {
  compileGlob,
  literalTestOf,
  passesLiteralTest,
  type GlobVariables,
  type LiteralTest,
} from './glob.js';
import { fileName, keysOfName, nameKeys as nameKeysOf } from './glob-names.js';
import { globTops, topDirectory } from './glob-tops.js';
import type { FileGrant, InterfaceRule } from './rules.js';
import { SNAP_DEPENDENT } from './variables.js';

/**
 * A rule's file globs for one meaning of the variables they name, indexed by the top
 * directories their matches start with ("/sys/") and then by the file names they end with,
 * so a path is tried only against globs that could match it. Expressions are compiled when a
 * path first gets past a glob's literal tests.
 */
export interface CompiledFiles {
  readonly regexes: (RegExp | undefined)[];
  /** A binding with this meaning: the one the expressions are compiled with. */
  readonly variables: GlobVariables;
  readonly byTop: ReadonlyMap<string, readonly number[]>;
  readonly anywhere: readonly number[];
  /** Per top directory seen: its globs and the anywhere ones, by file name. */
  readonly candidates: Map<string, NamedGrants>;
}

/**
 * Grant indexes (in the rule's order) by what the file name of every match is or starts with
 * (nameKeys), and the rest.
 */
export interface NamedGrants {
  readonly byKey: ReadonlyMap<string, readonly number[]>;
  readonly anyName: readonly number[];
}

/** Per rule and binding object (callers reuse bindings): its index. */
const byBinding = new WeakMap<InterfaceRule, WeakMap<GlobVariables, CompiledFiles>>();
/**
 * Per rule, by the values of the variables its file globs name: bindings of different snaps
 * share one index (and one set of compiled expressions) unless a glob names a snap variable.
 */
const byMeaning = new WeakMap<InterfaceRule, Map<string, CompiledFiles>>();
const MEANINGS_KEPT = 200;
/**
 * Forgets the indexes of the rules whose globs name a snap variable (one per snap met): the
 * suggestion snapshot's build drops those its warm-up made for the samples' snaps. The next
 * path of any snap builds its own again, the same.
 */
export function forgetSnapBindings(rules: readonly InterfaceRule[]): void {
  for (const rule of rules) {
    for (const each of rule.providerRule ? [rule, rule.providerRule] : [rule]) {
      if (each.file.length > 0 && !snapIndependent(each)) byMeaning.get(each)?.clear();
    }
  }
}

/** Per rule: the variables its file globs name, whose values decide what the index holds. */
const variableNamesOf = new WeakMap<InterfaceRule, readonly string[]>();

/** Whether the rule's file globs mean the same for every snap (they name no snap variable). */
export function snapIndependent(rule: InterfaceRule): boolean {
  let names = variableNamesOf.get(rule);
  if (names === undefined) variableNamesOf.set(rule, (names = variableNames(rule)));
  return !names.some((name) => SNAP_DEPENDENT.has(name));
}

function variableNames(rule: InterfaceRule): readonly string[] {
  const names = new Set<string>();
  for (const grant of rule.file) for (const m of grant.path.matchAll(/@\{([^}]*)\}/g)) names.add(m[1]!);
  return [...names];
}
/** Per rule: each grant's literal test, the same for every binding. */
const literalTestsOf = new WeakMap<InterfaceRule, (LiteralTest | undefined)[]>();

export function compiledFor(rule: InterfaceRule, variables: GlobVariables): CompiledFiles {
  let perBinding = byBinding.get(rule);
  if (!perBinding) byBinding.set(rule, (perBinding = new WeakMap()));
  let compiled = perBinding.get(variables);
  if (compiled) return compiled;
  let names = variableNamesOf.get(rule);
  if (names === undefined) variableNamesOf.set(rule, (names = variableNames(rule)));
  let meaning = '';
  for (const name of names) meaning += `${variables[name] ?? '\u0002'}\u0001`;
  let perMeaning = byMeaning.get(rule);
  if (!perMeaning) byMeaning.set(rule, (perMeaning = new Map()));
  compiled = perMeaning.get(meaning);
  if (!compiled) {
    compiled = indexGrants(rule, variables, names);
    if (perMeaning.size >= MEANINGS_KEPT) perMeaning.clear();
    perMeaning.set(meaning, compiled);
  }
  perBinding.set(variables, compiled);
  return compiled;
}

/** A grant whose glob names a snap variable: its top directories are worked out per binding. */
const PER_SNAP = Symbol('per snap');
type FixedTops = readonly (readonly string[] | undefined | typeof PER_SNAP)[];
/**
 * Per rule: each grant's top directories when its glob names no snap variable, for the values
 * of the other variables the rule names (`meaning`: the same in every snap's binding).
 */
const fixedTopsOf = new WeakMap<InterfaceRule, { readonly meaning: string; readonly tops: FixedTops }>();

/**
 * The rule's grants' top directories that do not depend on the snap; PER_SNAP for the others.
 * A rule naming a snap variable is indexed again for each snap, and most of its globs name none.
 */
function fixedTops(rule: InterfaceRule, variables: GlobVariables, names: readonly string[]): FixedTops {
  let meaning = '';
  for (const name of names) if (!SNAP_DEPENDENT.has(name)) meaning += `${variables[name] ?? '\u0002'}\u0001`;
  let known = fixedTopsOf.get(rule);
  if (known?.meaning !== meaning) {
    const tops = rule.file.map((grant) =>
      [...grant.path.matchAll(/@\{([^}]*)\}/g)].some((m) => SNAP_DEPENDENT.has(m[1]!))
        ? PER_SNAP
        : globTops(grant.path, variables),
    );
    fixedTopsOf.set(rule, (known = { meaning, tops }));
  }
  return known.tops;
}

function indexGrants(rule: InterfaceRule, variables: GlobVariables, names: readonly string[]): CompiledFiles {
  const byTop = new Map<string, number[]>();
  const anywhere: number[] = [];
  const fixed = fixedTops(rule, variables, names);
  rule.file.forEach((grant, index) => {
    const known = fixed[index];
    const tops = known === PER_SNAP ? globTops(grant.path, variables) : known;
    if (!tops) anywhere.push(index);
    else
      for (const top of tops) {
        const inTop = byTop.get(top);
        if (inTop) inTop.push(index);
        else byTop.set(top, [index]);
      }
  });
  return {
    regexes: new Array<RegExp | undefined>(rule.file.length),
    variables,
    byTop,
    anywhere,
    candidates: new Map<string, NamedGrants>(),
  };
}

/** The rule's grants' literal tests, each worked out when a path first meets that grant. */
function literalTests(rule: InterfaceRule): (LiteralTest | undefined)[] {
  let tests = literalTestsOf.get(rule);
  if (!tests) literalTestsOf.set(rule, (tests = new Array<LiteralTest | undefined>(rule.file.length)));
  return tests;
}

/** Whether any of the rule's file globs could match a path under this top directory. */
export function mayMatchUnder(rule: InterfaceRule, variables: GlobVariables, top: string): boolean {
  const compiled = compiledFor(rule, variables);
  return compiled.anywhere.length > 0 || compiled.byTop.has(top);
}

/** The rule's globs that could match under this top directory, by the file name they end with. */
export function grantsUnder(rule: InterfaceRule, variables: GlobVariables, top: string): NamedGrants {
  return namedGrants(rule, compiledFor(rule, variables), top);
}

function namedGrants(rule: InterfaceRule, compiled: CompiledFiles, top: string): NamedGrants {
  let named = compiled.candidates.get(top);
  if (!named) {
    const inTop = compiled.byTop.get(top) ?? [];
    const candidates =
      inTop.length === 0 ? compiled.anywhere : [...inTop, ...compiled.anywhere].sort((a, b) => a - b);
    const byKey = new Map<string, number[]>();
    const anyName: number[] = [];
    for (const index of candidates) {
      const keys = nameKeysOf(rule.file[index]!.path);
      if (!keys) anyName.push(index);
      else
        for (const key of new Set(keys)) {
          const same = byKey.get(key);
          if (same) same.push(index);
          else byKey.set(key, [index]);
        }
    }
    named = { byKey, anyName };
    if (compiled.candidates.size >= 1_000) compiled.candidates.clear();
    compiled.candidates.set(top, named);
  }
  return named;
}

/** The rule's file grants whose glob matches the path, in the rule's order. */
export function matchingGrants(
  rule: InterfaceRule,
  variables: GlobVariables,
  path: string,
  owned: boolean,
  top = topDirectory(path),
  nameKeys = keysOfName(fileName(path)),
): FileGrant[] {
  const compiled = compiledFor(rule, variables);
  const { byKey, anyName } = namedGrants(rule, compiled, top);
  const [exact, start] = nameKeys;
  let found: number[] | undefined;
  let lists = 0;
  // The lists hold different grants; a path's hits from more than one are put back in rule order.
  for (const list of [byKey.get(exact!), start === undefined ? undefined : byKey.get(start), anyName]) {
    if (list === undefined || list.length === 0) continue;
    const before = found?.length ?? 0;
    for (const index of list) {
      if (grantMatches(rule, compiled, index, path, owned)) (found ??= []).push(index);
    }
    if ((found?.length ?? 0) > before) lists++;
  }
  if (found === undefined) return [];
  if (lists > 1) found.sort((a, b) => a - b);
  return found.map((index) => rule.file[index]!);
}

/** Whether the rule's grant (by index) allows this path: owner, literal test, then expression. */
export function grantMatches(
  rule: InterfaceRule,
  compiled: CompiledFiles,
  index: number,
  path: string,
  owned: boolean,
): boolean {
  const grant = rule.file[index]!;
  if (grant.owner && !owned) return false;
  const tests = literalTests(rule);
  if (!passesLiteralTest((tests[index] ??= literalTestOf(grant.path)), path)) return false;
  return expressionMatches(compiled, index, grant.path, path);
}

const regexTest = RegExp.prototype.test;

/**
 * The grant's compiled expression tried on a path that passed its literal test (the compiled
 * glob's own test() would run that test again first).
 */
export function expressionMatches(
  compiled: CompiledFiles,
  index: number,
  glob: string,
  path: string,
): boolean {
  const regex = (compiled.regexes[index] ??= compileGlob(glob, compiled.variables));
  return regexTest.call(regex, path);
}
