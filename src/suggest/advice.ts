import type { Denial } from '../model/denial.js';
import { parseSnapLabel } from '../model/label.js';
import { accessKind, deniedFilePerms, ownsFile, type AccessKind } from './access.js';
import { devicePath } from './devices.js';
import { globAccepts, type GlobVariables } from './glob.js';
import { pathPattern } from './pattern.js';
import type { AdviceCondition, AdviceRule } from './rules.js';

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
  const d = ctx.denial;
  const globs = (patterns: readonly string[] | undefined, value: string | undefined) =>
    anyGlob(patterns, value, ctx.variables);

  if (!anyOf(when.kind, d.kind)) return false;
  if (when.class && !(anyOf(when.class, d.class) || anyOf(when.class, KIND_CLASS[accessKind(d)])))
    return false;
  if (!anyOf(when.operation, d.operation)) return false;
  if (!anyOf(when.syscall, d.syscall?.name)) return false;
  if (!anyOf(when.capability, d.capname)) return false;
  if (!anyOf(when.family, d.family)) return false;
  if (!anyOf(when.sockType, d.sockType)) return false;
  if (when.mask !== undefined) {
    const perms = deniedFilePerms(d);
    if (![...when.mask].some((p) => perms.includes(p))) return false;
  }
  if (when.maskOnly !== undefined) {
    const perms = deniedFilePerms(d);
    if (!perms || ![...perms].every((p) => when.maskOnly!.includes(p))) return false;
  }
  if (when.snapLabel !== undefined && isSnapDenial(d) !== when.snapLabel) return false;
  if (when.samePeerSnap !== undefined && samePeerSnap(d) !== when.samePeerSnap) return false;
  if (when.noInterface === true && ctx.interfaceMatched) return false;
  if (when.noInterface === false && !ctx.interfaceMatched) return false;
  if (when.noOwnInterface === true && ctx.ownInterfaceMatched) return false;
  if (when.owner !== undefined && ownsFile(d) !== when.owner) return false;
  // Globs last: every condition must hold, and these cost the most.
  if (!globs(when.path, d.path)) return false;
  if (when.notPath && d.path !== undefined && globs(when.notPath, d.path)) return false;
  if (!globs(when.peer, d.peer ?? d.peerLabel)) return false;
  if (!globs(when.dbusInterface, d.dbus?.interface)) return false;
  return true;
}

function anyOf(values: readonly string[] | undefined, value: string | undefined): boolean {
  return values === undefined || (value !== undefined && values.includes(value));
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
const snapLabels = new Map<string, boolean>();

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
