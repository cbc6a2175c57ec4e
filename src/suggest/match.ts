import type { Denial } from '../model/denial.js';
import {
  accessKind,
  deniedFilePerms,
  deniedWords,
  describePerms,
  ownsFile,
  permsCovered,
  type AccessKind,
} from './access.js';
import { deviceIdentity } from './devices.js';
import { compileGlob, type GlobVariables } from './glob.js';
import type { DbusGrant, InterfaceRule, PeerGrant, SeccompGrant } from './rules.js';
import { netlinkProtocolName } from './netlink.js';

/** An interface whose policy allows the denied access, and why. */
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
}

export function matchContext(denial: Denial, variables: GlobVariables): MatchContext {
  return { denial, kind: accessKind(denial), variables };
}

type Result = InterfaceMatch | PartialMatch | undefined;

export function matchInterface(ctx: MatchContext, rule: InterfaceRule): Result {
  switch (ctx.kind) {
    case 'file':
      return matchFile(ctx, rule, ctx.denial.path ?? '');
    case 'capability':
      return matchCapability(ctx, rule);
    case 'network':
      return matchNetwork(ctx, rule);
    case 'unix':
      return matchUnix(ctx, rule);
    case 'dbus':
      return matchDbus(ctx, rule);
    case 'signal':
      return matchPeer(ctx, rule, rule.signal, 'signal');
    case 'ptrace':
      return matchPeer(ctx, rule, rule.ptrace, 'ptrace');
    case 'mount':
      return matchMount(ctx, rule);
    case 'userns':
      return rule.userns ? full(rule, 'allows creating user namespaces (userns)', 2, 0) : undefined;
    case 'syscall':
      return matchSyscall(ctx, rule);
    case 'device':
      return matchDevice(ctx, rule);
    default:
      return undefined;
  }
}

/** Needs a store review this snap has not evidently had. */
export function reviewBarrier(match: InterfaceMatch): boolean {
  return match.rule.needsReview && !match.reviewWaived;
}

export function isFullMatch(result: Result): result is InterfaceMatch {
  return result !== undefined && 'exactness' in result;
}

function full(rule: InterfaceRule, reason: string, exactness: number, literal: number): InterfaceMatch {
  return { rule, reason, exactness, literal, relevance: 0 };
}

function globExactness(glob: string): number {
  if (!/[*?[{@]/.test(glob)) return 3;
  if (glob.includes('**')) return 1;
  return 2;
}

/**
 * A rule that opens nearly the whole filesystem (`/{,var/lib/snapd/hostfs/}[^dsp]**`): it
 * "allows" any path, so matching it says nothing about which interface the access is for.
 * A literal path component after the last `**` names a file, not a tree.
 * The literal prefix counts per alternative of a leading brace group, so the hostfs branch of
 * that rule is specific for paths under /var/lib/snapd/hostfs/.
 */
function isCatchAll(rawGlob: string, path: string): boolean {
  if (!rawGlob.includes('**')) return false;
  // `@{PROC}/**/attr/current` names one file at any depth: a literal component after the last
  // `**` makes the rule specific.
  const tail = rawGlob.slice(rawGlob.lastIndexOf('**') + 2);
  if (/\/[^*?[{@/]{3,}/.test(tail)) return false;
  // Variables (@{HOME}, @{PROC}) name a place but no particular file in it.
  const glob = rawGlob.replace(/^@\{[^}]*\}/, '');
  const brace = /^([^*?[{@]*)\{([^{}]*)\}/.exec(glob);
  const prefixes = brace
    ? brace[2]!.split(',').map((alt) => brace[1]! + /^[^*?[{@]*/.exec(alt)![0])
    : [/^[^*?[{@]*/.exec(glob)![0]];
  // /var/lib/snapd/hostfs/ is the host's root: a rule over all of it is a catch-all too.
  const rootLength = (p: string) => p.replace(/^\/var\/lib\/snapd\/hostfs(?=\/)/, '').length;
  const longest = Math.max(...prefixes.filter((p) => path.startsWith(p)).map(rootLength), 0);
  return longest <= 1;
}

function literalLength(glob: string): number {
  return glob.replace(/@\{[^}]*\}|\*+|\?|\[[^\]]*\]|\{[^}]*\}/g, '').length;
}

function globOk(glob: string | undefined, value: string | undefined, variables: GlobVariables): boolean {
  if (glob === undefined) return true;
  if (value === undefined) return false;
  return compileGlob(glob, variables).test(value);
}

function matchFile(ctx: MatchContext, rule: InterfaceRule, path: string): Result {
  const needed = deniedFilePerms(ctx.denial);
  if (!path || !needed) return undefined;
  const owned = ownsFile(ctx.denial);
  const hits = rule.file.filter((g) => (!g.owner || owned) && compileGlob(g.path, ctx.variables).test(path));
  if (hits.length === 0) return undefined;
  const granted = hits.map((g) => g.perms).join('');
  // The most specific rule that alone covers the access names the reason; else the union does.
  const covering = hits
    .filter((g) => permsCovered(needed, g.perms))
    .sort((a, b) => literalLength(b.path) - literalLength(a.path));
  const best = covering[0] ?? hits[0]!;
  const ruleText = `${best.owner ? 'owner ' : ''}${best.path} ${best.perms}`;
  if (covering.length > 0 && covering.every((g) => isCatchAll(g.path, path))) {
    const reason = `file rule "${ruleText}" covers all of ${path.split('/').slice(0, 2).join('/') || '/'}, ${path} included (${describePerms(needed)})`;
    return { ...full(rule, reason, 0, 0), broad: true };
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

function matchCapability(ctx: MatchContext, rule: InterfaceRule): Result {
  const cap = ctx.denial.capname;
  if (!cap) return undefined;
  if (rule.capability.includes(cap)) return full(rule, `capability rule "capability ${cap}" matched`, 2, 0);
  if (rule.capability.includes('*'))
    return full(rule, `capability rule "capability" (all) matched ${cap}`, 0, 0);
  return undefined;
}

function matchNetwork(ctx: MatchContext, rule: InterfaceRule): Result {
  const { family, sockType, protocol } = ctx.denial;
  if (!family) return undefined;
  const grant = rule.network.find(
    (g) => (!g.family || g.family === '*' || g.family === family) && (!g.type || g.type === sockType),
  );
  if (!grant) return undefined;
  const text = ['network', grant.family ?? '', grant.type ?? ''].filter(Boolean).join(' ');
  const netlink = family === 'netlink' && protocol !== undefined ? netlinkProtocolName(protocol) : undefined;
  if (netlink) {
    const lines = rule.seccomp.filter((s) => s.syscall === 'socket' && s.args[0] === 'AF_NETLINK');
    const allowing = lines.find((s) => s.args[2] === undefined || s.args[2] === '-' || s.args[2] === netlink);
    if (lines.length > 0 && !allowing) {
      return { rule, reason: `"${text}" matches but its seccomp rules do not allow ${netlink} sockets` };
    }
    if (allowing) {
      return full(
        rule,
        `network rule "${text}" and seccomp rule "${allowing.line}" matched ${netlink}`,
        3,
        0,
      );
    }
  }
  const exactness = grant.family && grant.family !== '*' ? (grant.type ? 2 : 1) : 0;
  const what = [family, sockType].filter(Boolean).join(' ');
  return full(rule, `network rule "${text}" matched ${what}`, exactness, 0);
}

function matchUnix(ctx: MatchContext, rule: InterfaceRule): Result {
  const d = ctx.denial;
  const wanted = deniedWords(d);
  const grant = rule.unix.find(
    (g) =>
      (!g.type || !d.sockType || g.type === d.sockType) &&
      globOk(g.addr, d.addr, ctx.variables) &&
      globOk(g.peerAddr, d.peerAddr, ctx.variables) &&
      (g.access.length === 0 || wanted.every((w) => g.access.includes(w))),
  );
  if (!grant) return undefined;
  const reason = `unix rule${grant.addr ? ` addr="${grant.addr}"` : ''} matched ${d.addr ?? d.peerAddr ?? 'the socket'}`;
  const unrestricted = !grant.addr && !grant.peerAddr && !grant.type && grant.access.length === 0;
  const exactness = grant.addr ? globExactness(grant.addr) : unrestricted ? 0 : 1;
  return full(rule, reason, exactness, literalLength(grant.addr ?? ''));
}

function matchDbus(ctx: MatchContext, rule: InterfaceRule): Result {
  const d = ctx.denial;
  const dbus = d.dbus ?? {};
  const wanted = (dbus.mask ?? d.deniedMask ?? d.requestedMask ?? '').split(/\s+/).filter(Boolean);
  const grant = mostSpecific(
    rule.dbus.filter(
      (g) =>
        (!g.bus || !dbus.bus || g.bus === dbus.bus) &&
        globOk(g.path, dbus.path, ctx.variables) &&
        globOk(g.interface, dbus.interface, ctx.variables) &&
        globOk(g.member, dbus.member, ctx.variables) &&
        (dbus.mask === 'bind' || d.operation === 'dbus_bind'
          ? globOk(g.name, dbus.name, ctx.variables)
          : peerNameOk(g.peerName, dbus.name, ctx.variables)) &&
        (!g.peerLabel || !d.peerLabel || compileGlob(g.peerLabel, ctx.variables).test(d.peerLabel)) &&
        (g.access.length === 0 || wanted.every((w) => g.access.includes(w))),
    ),
  );
  if (!grant) return undefined;
  const target = dbus.name ?? [dbus.interface, dbus.member].filter(Boolean).join('.');
  // Restricted only by peer label (`peer=(label=unconfined)`): every system service qualifies.
  if (grant.attribute) {
    const reason = `its template rule covers ${target} only when a plug names it under '${grant.attribute}'`;
    return { ...full(rule, reason, 0, 0), incidental: true };
  }
  if (!grant.path && !grant.interface && !grant.member && !grant.name && !grant.peerName) {
    return { ...full(rule, `only its unrestricted D-Bus rule covers ${target}`, 0, 0), incidental: true };
  }
  const parts = [grant.bus, grant.path, grant.interface, grant.member, grant.name].filter(Boolean);
  return full(rule, `dbus rule "${parts.join(' ')}" matched ${target}`, dbusExactness(grant), 0);
}

function dbusExactness(g: DbusGrant): number {
  if (g.attribute) return -1;
  if (g.member && !/[*{]/.test(g.member)) return 3;
  if (g.interface || g.member || g.name || g.peerName) return 2;
  return g.path ? 1 : 0;
}

/** Several D-Bus rules can cover a message; the most specific one explains it best. */
function mostSpecific(grants: readonly DbusGrant[]): DbusGrant | undefined {
  let best: DbusGrant | undefined;
  for (const g of grants) if (!best || dbusExactness(g) > dbusExactness(best)) best = g;
  return best;
}

function matchPeer(
  ctx: MatchContext,
  rule: InterfaceRule,
  grants: readonly PeerGrant[],
  what: string,
): Result {
  const d = ctx.denial;
  const wanted = deniedWords(d);
  const peer = d.peer ?? d.peerLabel;
  const grant = grants.find(
    (g) =>
      (g.access.length === 0 || wanted.every((w) => g.access.includes(w) || impliedAccess(g.access, w))) &&
      (g.signal.length === 0 || !d.signal || g.signal.includes(d.signal)) &&
      (!g.peer || (peer !== undefined && compileGlob(g.peer, ctx.variables).test(peer))),
  );
  if (!grant) return undefined;
  const reason = `${what} rule (${grant.access.join(', ') || 'any'}) peer=${grant.peer ?? 'any'} matched ${peer ?? 'the peer'}`;
  return full(rule, reason, grant.peer ? globExactness(grant.peer) : 1, literalLength(grant.peer ?? ''));
}

/** A unique name (:1.42) in the log cannot be checked against a well-known peer name. */
function peerNameOk(glob: string | undefined, name: string | undefined, variables: GlobVariables): boolean {
  if (glob === undefined || name === undefined || name.startsWith(':')) return true;
  return compileGlob(glob, variables).test(name);
}

/** ptrace "trace" includes "read"; "tracedby" includes "readby". */
function impliedAccess(granted: readonly string[], wanted: string): boolean {
  return (
    (wanted === 'read' && granted.includes('trace')) || (wanted === 'readby' && granted.includes('tracedby'))
  );
}

function matchMount(ctx: MatchContext, rule: InterfaceRule): Result {
  const d = ctx.denial;
  const operation = d.operation === 'pivotroot' ? 'pivot_root' : d.operation;
  const grant = rule.mount.find(
    (g) =>
      g.operation === operation &&
      (g.fstype.length === 0 || (d.fstype !== undefined && g.fstype.includes(d.fstype))) &&
      globOk(g.mountpoint, d.path, ctx.variables) &&
      (!g.source || !d.srcname || compileGlob(g.source, ctx.variables).test(d.srcname)),
  );
  if (!grant) return undefined;
  const reason = `mount rule fstype=${grant.fstype.join(',') || 'any'} -> ${grant.mountpoint ?? 'any'} matched ${d.path ?? ''}`;
  return full(rule, reason, grant.mountpoint ? globExactness(grant.mountpoint) : 1, 0);
}

function matchSyscall(ctx: MatchContext, rule: InterfaceRule): Result {
  const name = ctx.denial.syscall?.name;
  if (!name) return undefined;
  const lines = rule.seccomp.filter((s) => s.syscall === name);
  if (lines.length === 0) return undefined;
  const unconditional = lines.find((s) => s.args.every((a) => a === '-'));
  const line: SeccompGrant = unconditional ?? lines[0]!;
  const reason = unconditional
    ? `seccomp rule "${line.line}" allows ${name}`
    : `seccomp rule "${line.line}" allows ${name} with these arguments only (the log does not show them)`;
  return full(rule, reason, unconditional ? 3 : 1, 0);
}

function matchDevice(ctx: MatchContext, rule: InterfaceRule): Result {
  const device = ctx.denial.device;
  if (!device) return undefined;
  const identity = deviceIdentity(device);
  const grant = rule.devices.find(
    (g) =>
      (g.kernel === undefined ||
        (identity.kernel !== undefined && udevGlob(g.kernel).test(identity.kernel))) &&
      (g.subsystem === undefined || g.subsystem === identity.subsystem) &&
      (g.kernel !== undefined || g.subsystem !== undefined),
  );
  const where = `${device.type} ${device.major}:${device.minor}${identity.kernel ? ` (${identity.kernel})` : ''}`;
  if (grant) {
    const pattern = grant.kernel ? `KERNEL=="${grant.kernel}"` : `SUBSYSTEM=="${grant.subsystem}"`;
    // A KERNEL== pattern names one family of devices (video[0-9]*): as specific as a literal path.
    const exactness = grant.kernel ? 3 : 1;
    return full(rule, `udev rule ${pattern} selects ${where}`, exactness, literalLength(grant.kernel ?? ''));
  }
  if (identity.kernel) {
    const viaFile = matchFile(ctx, rule, `/dev/${identity.kernel}`);
    if (isFullMatch(viaFile)) return { ...viaFile, exactness: Math.min(viaFile.exactness, 1) };
  }
  return undefined;
}

const udevCache = new Map<string, RegExp>();

/** udev KERNEL== globs: `*`, `?`, `[...]` and `|` alternatives, over the whole name. */
function udevGlob(pattern: string): RegExp {
  let re = udevCache.get(pattern);
  if (!re) {
    const alternatives = pattern.split('|').map((alt) =>
      alt
        .replace(/[.+^${}()\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')
        .replace(/\[!/g, '[^'),
    );
    re = new RegExp(`^(?:${alternatives.join('|')})$`);
    udevCache.set(pattern, re);
  }
  return re;
}
