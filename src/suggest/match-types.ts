import type { Denial } from '../model/denial.js';
import { accessKind, type AccessKind } from './access.js';
import { globAccepts, type GlobVariables } from './glob.js';
import { fileName, keysOfName } from './glob-names.js';
import { topDirectory } from './glob-tops.js';
import type { InterfaceRule } from './rules.js';

export interface InterfaceMatch {
  readonly rule: InterfaceRule;
  readonly reason: string;
  /**
   * How precisely the matching grant names this access: 3 literal, 2 wildcards within a path
   * component, 1 recursive wildcard or any-value, 0 allowed only under conditions we cannot see.
   */
  readonly exactness: number;
  /** Literal characters in the matching pattern (finer tie-break). */
  readonly literal: number;
  /** How many words of the interface's name the accessed object names (mount-observe for …/mounts). */
  readonly relevance: number;
  /**
   * The policy allows it, but only through a catch-all rule (read the whole host, talk to any
   * system service): true, yet no reason to recommend the interface for this access.
   */
  readonly incidental?: boolean;
  /**
   * An interface made for watching (NAME-observe) answering a read-only access: it grants no
   * writes, so it is the least surprising of equally precise grants.
   */
  readonly observer?: boolean;
  /**
   * The interface needs a store review, but the snap is that service's own (lxd and
   * lxd-support): its snap declaration is where the review is granted, so it is no barrier.
   */
  readonly reviewWaived?: boolean;
  /** Allowed by a rule over a whole tree (`@{HOME}/[^s.]**`, `@{PROC}/**`): incidental unless the interface is about it. */
  readonly broad?: boolean;
}

/** A near miss, kept to explain why nothing matched. */
export interface PartialMatch {
  readonly rule: InterfaceRule;
  readonly reason: string;
  /** Only a catch-all rule covered it: the least telling explanation. */
  readonly weak?: boolean;
}

export interface MatchContext {
  readonly denial: Denial;
  readonly kind: AccessKind;
  readonly variables: GlobVariables;
  /** Try every rule and grant, no index (the reference the indexed lookups are tested against). */
  readonly exhaustive?: boolean;
  /** The top directory of the denial's path ("/proc/"), worked out once for every rule. */
  readonly pathTop: string;
  /** The name keys of the path's file name (keysOfName), worked out once for every rule. */
  readonly pathNameKeys: readonly string[];
}

export function matchContext(denial: Denial, variables: GlobVariables, exhaustive = false): MatchContext {
  return {
    denial,
    kind: accessKind(denial),
    variables,
    exhaustive,
    pathTop: topDirectory(denial.path ?? ''),
    pathNameKeys: keysOfName(fileName(denial.path ?? '')),
  };
}

export type MatchResult = InterfaceMatch | PartialMatch | undefined;

/** Needs a store review this snap has not evidently had. */
export function reviewBarrier(match: InterfaceMatch): boolean {
  return match.rule.needsReview && !match.reviewWaived;
}

export function isFullMatch(result: MatchResult): result is InterfaceMatch {
  return result !== undefined && 'exactness' in result;
}

export function full(
  rule: InterfaceRule,
  reason: string,
  exactness: number,
  literal: number,
): InterfaceMatch {
  return { rule, reason, exactness, literal, relevance: 0 };
}

export function globExactness(glob: string): number {
  if (!/[*?[{@]/.test(glob)) return 3;
  if (glob.includes('**')) return 1;
  return 2;
}

export function literalLength(glob: string): number {
  let length = literalLengths.get(glob);
  if (length === undefined) {
    length = glob.replace(/@\{[^}]*\}|\*+|\?|\[[^\]]*\]|\{[^}]*\}/g, '').length;
    if (literalLengths.size >= 20_000) literalLengths.clear();
    literalLengths.set(glob, length);
  }
  return length;
}

const literalLengths = new Map<string, number>();

export function globOk(
  glob: string | undefined,
  value: string | undefined,
  variables: GlobVariables,
): boolean {
  if (glob === undefined) return true;
  if (value === undefined) return false;
  return globAccepts(glob, value, variables);
}
