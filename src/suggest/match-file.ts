import { deniedFilePerms, describePerms, ownsFile, permsCovered } from './access.js';
import { compileGlob, globAccepts, type GlobVariables } from './glob.js';
import { fileHits } from './file-hits.js';
import { matchingGrants } from './file-index.js';
import {
  full,
  globExactness,
  globOk,
  literalLength,
  type MatchContext,
  type MatchResult,
} from './match-types.js';
import type { FileGrant, InterfaceRule } from './rules.js';

/**
 * A rule that opens nearly the whole filesystem (`/{,var/lib/snapd/hostfs/}[^dsp]**`): it
 * "allows" any path, so matching it says nothing about which interface the access is for.
 * A literal path component after the last `**` names a file, not a tree.
 * The literal prefix counts per alternative of a leading brace group, so the hostfs branch of
 * that rule is specific for paths under /var/lib/snapd/hostfs/.
 */
function isCatchAll(rawGlob: string, path: string): boolean {
  const shape = catchAllShape(rawGlob);
  if (!shape) return false;
  let longest = 0;
  for (const prefix of shape) {
    if (path.startsWith(prefix)) longest = Math.max(longest, rootLength(prefix));
  }
  return longest <= 1;
}

/** /var/lib/snapd/hostfs/ is the host's root: a rule over all of it is a catch-all too. */
function rootLength(prefix: string): number {
  return prefix.replace(/^\/var\/lib\/snapd\/hostfs(?=\/)/, '').length;
}

const catchAllShapes = new Map<string, readonly string[] | undefined>();

/** The literal starts of a tree-wide glob's alternatives; undefined for a glob that names files. */
function catchAllShape(rawGlob: string): readonly string[] | undefined {
  if (catchAllShapes.has(rawGlob)) return catchAllShapes.get(rawGlob);
  let shape: readonly string[] | undefined;
  // `@{PROC}/**/attr/current` names one file at any depth: a literal component after the last
  // `**` makes the rule specific.
  const tail = rawGlob.slice(rawGlob.lastIndexOf('**') + 2);
  if (rawGlob.includes('**') && !/\/[^*?[{@/]{3,}/.test(tail)) {
    // Variables (@{HOME}, @{PROC}) name a place but no particular file in it.
    const glob = rawGlob.replace(/^@\{[^}]*\}/, '');
    const brace = /^([^*?[{@]*)\{([^{}]*)\}/.exec(glob);
    shape = brace
      ? brace[2]!.split(',').map((alt) => brace[1]! + /^[^*?[{@]*/.exec(alt)![0])
      : [/^[^*?[{@]*/.exec(glob)![0]];
  }
  if (catchAllShapes.size >= 20_000) catchAllShapes.clear();
  catchAllShapes.set(rawGlob, shape);
  return shape;
}

/** Every grant tried, no index: the reference the indexed lookup must agree with. */
export function matchingGrantsUnindexed(
  rule: InterfaceRule,
  variables: GlobVariables,
  path: string,
  owned: boolean,
) {
  return rule.file.filter((g) => (!g.owner || owned) && compileGlob(g.path, variables).test(path));
}

/** The kernel logs no path longer than PATH_MAX: a longer one is a corrupt line, and costly to match. */
const PATH_MAX = 4096;

export function matchFile(ctx: MatchContext, rule: InterfaceRule, path: string): MatchResult {
  const needed = deniedFilePerms(ctx.denial);
  if (!path || !needed || path.length > PATH_MAX) return undefined;
  const owned = ownsFile(ctx.denial);
  const hits = ctx.exhaustive
    ? matchingGrantsUnindexed(rule, ctx.variables, path, owned)
    : path === ctx.denial.path
      ? matchingGrants(rule, ctx.variables, path, owned, ctx.pathTop, ctx.pathNameKeys)
      : matchingGrants(rule, ctx.variables, path, owned);
  return hits.length === 0 ? undefined : fileMatch(ctx, rule, path, needed, hits);
}

/**
 * matchFile for the denial's own path and every rule in one pass (fileHits): the results of
 * the rules whose grants match, in the rule set's order (every other rule's is undefined).
 */
export function fileMatches(ctx: MatchContext, rules: readonly InterfaceRule[]): MatchResult[] {
  const path = ctx.denial.path ?? '';
  const needed = deniedFilePerms(ctx.denial);
  if (!path || !needed || path.length > PATH_MAX) return [];
  const owned = ownsFile(ctx.denial);
  return fileHits(rules, ctx.variables, path, owned, ctx.pathTop, ctx.pathNameKeys).map(([rule, hits]) =>
    fileMatch(ctx, rule, path, needed, hits),
  );
}

function fileMatch(
  ctx: MatchContext,
  rule: InterfaceRule,
  path: string,
  needed: string,
  hits: readonly FileGrant[],
): MatchResult {
  const granted = hits.map((g) => g.perms).join('');
  // The most specific rule that alone covers the access names the reason; else the union does.
  const covering = hits
    .filter((g) => permsCovered(needed, g.perms))
    .sort((a, b) => literalLength(b.path) - literalLength(a.path));
  const best = covering[0] ?? hits[0]!;
  const ruleText = `${best.owner ? 'owner ' : ''}${best.path} ${best.perms}`;
  if (covering.length > 0 && covering.every((g) => isCatchAll(g.path, path))) {
    const reason = `file rule "${ruleText}" covers all of ${firstComponent(path)}, ${path} included (${describePerms(needed)})`;
    return { rule, reason, exactness: 0, literal: 0, relevance: 0, broad: true };
  }
  if (!permsCovered(needed, granted)) {
    return {
      rule,
      reason: `file rule "${ruleText}" matches ${path} but grants only ${describePerms(granted)}`,
    };
  }
  const condition = best.attribute ? ` if the plug lists it under '${best.attribute}'` : '';
  const reason = `file rule "${ruleText}" matched ${path} (${describePerms(needed)})${condition}`;
  const match = full(rule, reason, globExactness(best.path), literalLength(best.path));
  // Template rules stand for whatever a plug or slot names: advice explains how to name it.
  return covering.every((g) => g.attribute) ? { ...match, incidental: true } : match;
}

/** "/proc" of "/proc/1/environ": `path.split('/').slice(0, 2).join('/') || '/'` without the array. */
export function firstComponent(path: string): string {
  if (!path.startsWith('/')) return path.split('/').slice(0, 2).join('/') || '/';
  const slash = path.indexOf('/', 1);
  const first = slash < 0 ? path : path.slice(0, slash);
  return first || '/';
}

export function matchMount(ctx: MatchContext, rule: InterfaceRule): MatchResult {
  const d = ctx.denial;
  const operation = d.operation === 'pivotroot' ? 'pivot_root' : d.operation;
  const grant = rule.mount.find(
    (g) =>
      g.operation === operation &&
      (g.fstype.length === 0 || (d.fstype !== undefined && g.fstype.includes(d.fstype))) &&
      globOk(g.mountpoint, d.path, ctx.variables) &&
      (!g.source || !d.srcname || globAccepts(g.source, d.srcname, ctx.variables)),
  );
  if (!grant) return undefined;
  const reason = `mount rule fstype=${grant.fstype.join(',') || 'any'} -> ${grant.mountpoint ?? 'any'} matched ${d.path ?? ''}`;
  return full(rule, reason, grant.mountpoint ? globExactness(grant.mountpoint) : 1, 0);
}
