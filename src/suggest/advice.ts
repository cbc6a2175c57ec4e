import type { Denial } from '../model/denial.js';
import { parseSnapLabel } from '../model/label.js';
import { accessKind, deniedFilePerms, ownsFile, type AccessKind } from './access.js';
import { devicePath } from './devices.js';
import { globAccepts, type GlobVariables } from './glob.js';
import { pathPattern } from './pattern.js';
import type { AdviceCondition, AdviceRule } from './rules.js';
import { snapMemo } from './snap-memos.js';

export interface AdviceContext {
  readonly denial: Denial;
  readonly variables: GlobVariables;
  /** Whether some interface allows the access. */
  readonly interfaceMatched: boolean;
  /** Whether an interface named after the snap itself (its own service) allows the access. */
  readonly ownInterfaceMatched?: boolean;
}

/** The class= a kernel would log for the access (older kernels log none). */
const KIND_CLASS: Partial<Record<AccessKind, string>> = {
  file: 'file',
  capability: 'cap',
  network: 'net',
  unix: 'unix',
  dbus: 'dbus',
  signal: 'signal',
  ptrace: 'ptrace',
  mount: 'mount',
  userns: 'namespace',
};

/** Whether every condition of an advice rule holds for the denial. */
export function adviceApplies(when: AdviceCondition, ctx: AdviceContext): boolean {
  return fieldsHold(when, fieldFacts(ctx.denial)) && contextHolds(when, ctx);
}

/**
 * The advice rules (in their order) whose every condition holds: the conditions on the denial's
 * own fields are worked out once per combination of the values they read (a log's denials share
 * a few), then the rest (globs, the interfaces found, the peer's snap) per denial.
 */
export function applicableAdvice(rules: readonly AdviceRule[], ctx: AdviceContext): AdviceRule[] {
  const facts = fieldFacts(ctx.denial);
  let known = byFacts.get(rules);
  if (!known) byFacts.set(rules, (known = new Map()));
  const key = factsKey(facts);
  let candidates = key === undefined ? undefined : known.get(key);
  if (!candidates) {
    candidates = rules.filter((rule) => fieldsHold(rule.when, facts));
    if (key !== undefined) {
      if (known.size >= FACTS_KEPT) known.clear();
      known.set(key, candidates);
    }
  }
  const out: AdviceRule[] = [];
  for (const rule of candidates) if (contextHolds(rule.when, ctx)) out.push(rule);
  return out;
}

/** What the conditions on a denial's own fields read of it (fieldsHold reads nothing else). */
interface FieldFacts {
  readonly kind: unknown;
  readonly class: unknown;
  readonly kindClass: string | undefined;
  readonly operation: unknown;
  readonly syscall: unknown;
  readonly capability: unknown;
  readonly family: unknown;
  readonly sockType: unknown;
  readonly perms: string;
  readonly snapDenial: boolean;
  readonly owned: boolean;
}

const byFacts = new WeakMap<readonly AdviceRule[], Map<string, AdviceRule[]>>();
const FACTS_KEPT = 2_000;

function fieldFacts(d: Denial): FieldFacts {
  return {
    kind: d.kind,
    class: d.class,
    kindClass: KIND_CLASS[accessKind(d)],
    operation: d.operation,
    syscall: d.syscall?.name,
    capability: d.capname,
    family: d.family,
    sockType: d.sockType,
    perms: deniedFilePerms(d),
    snapDenial: isSnapDenial(d),
    owned: ownsFile(d),
  };
}

/**
 * One text per distinct set of facts (length-prefixed strings cannot run into each other);
 * undefined when a field holds something other than a string (no such denial is memoised).
 */
function factsKey(f: FieldFacts): string | undefined {
  let key = f.snapDenial ? 'S' : 's';
  key += f.owned ? 'O' : 'o';
  for (const value of [
    f.kind,
    f.class,
    f.kindClass,
    f.operation,
    f.syscall,
    f.capability,
    f.family,
    f.sockType,
    f.perms,
  ]) {
    if (typeof value === 'string') key += `${value.length}:${value}`;
    else if (value === undefined) key += '-';
    else return undefined;
  }
  return key;
}

function fieldsHold(when: AdviceCondition, f: FieldFacts): boolean {
  if (!anyOf(when.kind, f.kind)) return false;
  if (when.class && !(anyOf(when.class, f.class) || anyOf(when.class, f.kindClass))) return false;
  if (!anyOf(when.operation, f.operation)) return false;
  if (!anyOf(when.syscall, f.syscall)) return false;
  if (!anyOf(when.capability, f.capability)) return false;
  if (!anyOf(when.family, f.family)) return false;
  if (!anyOf(when.sockType, f.sockType)) return false;
  if (when.mask !== undefined && ![...when.mask].some((p) => f.perms.includes(p))) return false;
  if (when.maskOnly !== undefined) {
    if (!f.perms || ![...f.perms].every((p) => when.maskOnly!.includes(p))) return false;
  }
  if (when.snapLabel !== undefined && f.snapDenial !== when.snapLabel) return false;
  if (when.owner !== undefined && f.owned !== when.owner) return false;
  return true;
}

/** The conditions on what else is known of the denial: the peer's snap, the interfaces found, globs. */
function contextHolds(when: AdviceCondition, ctx: AdviceContext): boolean {
  const d = ctx.denial;
  const globs = (patterns: readonly string[] | undefined, value: string | undefined) =>
    anyGlob(patterns, value, ctx.variables);
  if (when.samePeerSnap !== undefined && samePeerSnap(d) !== when.samePeerSnap) return false;
  if (when.noInterface === true && ctx.interfaceMatched) return false;
  if (when.noInterface === false && !ctx.interfaceMatched) return false;
  if (when.noOwnInterface === true && ctx.ownInterfaceMatched) return false;
  // Globs last: every condition must hold, and these cost the most.
  if (!globs(when.path, d.path)) return false;
  if (when.notPath && d.path !== undefined && globs(when.notPath, d.path)) return false;
  if (!globs(when.peer, d.peer ?? d.peerLabel)) return false;
  if (!globs(when.dbusInterface, d.dbus?.interface)) return false;
  return true;
}

function anyOf(values: readonly string[] | undefined, value: unknown): boolean {
  return values === undefined || (value !== undefined && values.includes(value as string));
}

function anyGlob(
  patterns: readonly string[] | undefined,
  value: string | undefined,
  variables: GlobVariables,
): boolean {
  if (patterns === undefined) return true;
  if (value === undefined) return false;
  for (const pattern of patterns) if (globAccepts(pattern, value, variables)) return true;
  return false;
}

export function isSnapDenial(d: Denial): boolean {
  if (d.kind !== 'apparmor') return d.snap !== undefined || d.instance !== undefined;
  if (d.label === undefined) return false;
  let snapLabel = snapLabels.get(d.label);
  if (snapLabel === undefined) {
    snapLabel = parseSnapLabel(d.label) !== undefined;
    if (snapLabels.size >= 1_000) snapLabels.clear();
    snapLabels.set(d.label, snapLabel);
  }
  return snapLabel;
}

/** Labels are a few per log, asked about for every denial. */
const snapLabels = snapMemo<string, boolean>();

function samePeerSnap(d: Denial): boolean {
  const own = parseSnapLabel(d.label)?.instance ?? d.instance;
  const peer = parseSnapLabel(d.peer ?? d.peerLabel)?.instance;
  return own !== undefined && own === peer;
}

/** Fills {path}, {pattern}, {snap}, {syscall}, {capability}, {peer}, {family}, {label}, {device} and {toplevel} (first component under $HOME). */
export function adviceText(rule: AdviceRule, d: Denial): string {
  const values: Record<string, string | undefined> = {
    path: d.path,
    pattern: d.path !== undefined ? pathPattern(d.path, d) : undefined,
    snap: d.instance ?? d.snap,
    syscall: d.syscall?.name,
    capability: d.capname,
    peer: d.peer ?? d.peerLabel,
    family: d.family,
    label: d.label,
    device: d.device
      ? (devicePath(d.device) ??
        `${d.device.type === 'b' ? 'block' : 'char'} device ${d.device.major}:${d.device.minor}`)
      : undefined,
    toplevel: /^(?:\/home\/[^/]+|\/root)\/([^/]+)/.exec(d.path ?? '')?.[1],
  };
  return rule.text.replace(/\{([a-z]+)\}/g, (whole, key: string) => values[key] ?? whole);
}
