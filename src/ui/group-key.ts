import type { Denial } from '../model/denial.js';

/** What a denial is about, independent of when and by which process. */
export interface DenialIdentity {
  /** Snap instance, or the raw label for non-snap profiles, or "?" when the record names neither. */
  readonly snap: string;
  /** App or `hook.NAME`, "" when unknown. */
  readonly app: string;
  /** The refused object: a path, a syscall, a capability, a device, a D-Bus member... */
  readonly object: string;
  /** One line for the list: operation and object in words. */
  readonly summary: string;
}

/** /proc/1234/... and /proc/1234/task/5678/... name the same file for every process. */
function withoutPids(path: string): string {
  return path.replace(/^\/proc\/\d+\//, '/proc/@{pid}/').replace(/\/task\/\d+\//, '/task/@{tid}/');
}

const MASK_WORDS: Readonly<Record<string, string>> = {
  r: 'read',
  w: 'write',
  c: 'write',
  a: 'append',
  x: 'exec',
};

function maskWords(mask: string | undefined): string {
  if (!mask) return '';
  const words = [...new Set([...mask].map((letter) => MASK_WORDS[letter]).filter(Boolean))];
  return words.length > 0 ? ` (${words.join(', ')})` : ` (${mask})`;
}

function syscallObject(d: Denial): string {
  const sc = d.syscall;
  return sc ? `syscall ${sc.auditArch}:${sc.number}` : 'syscall ?';
}

function syscallSummary(d: Denial): string {
  const sc = d.syscall;
  if (!sc) return 'syscall (number missing)';
  const named = sc.name ?? `${sc.number} (unresolved)`;
  const compat = sc.compat ? ` (${sc.arch ?? sc.auditArch} compat)` : '';
  return `syscall ${named}${compat}`;
}

function deviceObject(d: Denial): string {
  const dev = d.device;
  return dev ? `device ${dev.type} ${dev.major}:${dev.minor} ${dev.access}` : 'device ?';
}

function deviceSummary(d: Denial): string {
  const dev = d.device;
  if (!dev) return 'device (fields missing)';
  return `device ${dev.type} ${dev.major}:${dev.minor}${dev.name ? ` ${dev.name}` : ''} ${dev.access}`;
}

/** What an AppArmor record is about; the object and the summary take the same branch. */
type AppArmorTopic = 'dbus' | 'capability' | 'signal' | 'network' | 'path' | 'peer' | 'other';

function apparmorTopic(d: Denial): AppArmorTopic {
  if (d.dbus && (d.dbus.member || d.dbus.interface)) return 'dbus';
  if (d.capname !== undefined || d.capability !== undefined) return 'capability';
  if (d.signal !== undefined) return 'signal';
  if (d.family !== undefined) return 'network';
  if (d.path !== undefined) return 'path';
  if (d.peer !== undefined) return 'peer';
  return 'other';
}

function dbusMember(d: Denial): string {
  return [d.dbus?.interface, d.dbus?.member].filter(Boolean).join('.');
}

function networkObject(d: Denial): string {
  return `network ${d.family} ${d.sockType ?? ''} ${d.addr ?? ''}`.trim();
}

function pathTarget(d: Denial): string {
  return `${withoutPids(d.path ?? '')}${d.target ? ` -> ${d.target}` : ''}`;
}

function apparmorObject(d: Denial): string {
  const op = d.operation ?? d.class ?? 'access';
  switch (apparmorTopic(d)) {
    case 'dbus':
      return `dbus ${d.dbus?.bus ?? ''} ${dbusMember(d)} ${d.dbus?.path ?? ''}`.trim();
    case 'capability':
      return `capability ${d.capname ?? String(d.capability)}`;
    case 'signal':
      return `signal ${d.signal} ${d.peer ?? ''}`.trim();
    case 'network':
      return networkObject(d);
    case 'path':
      return `path ${pathTarget(d)} ${d.deniedMask ?? d.requestedMask ?? ''}`.trim();
    case 'peer':
      return `${op} ${d.peer}`;
    case 'other':
      return `${op} ${d.info ?? ''}`.trim();
  }
}

function apparmorSummary(d: Denial): string {
  const op = d.operation ?? d.class ?? 'access';
  switch (apparmorTopic(d)) {
    case 'dbus': {
      const verb = op.startsWith('dbus') ? op : `dbus ${op}`;
      return `${verb} ${dbusMember(d)}${d.dbus?.path ? ` ${d.dbus.path}` : ''}`;
    }
    case 'capability':
      return `capability ${d.capname ?? String(d.capability)}`;
    case 'signal':
      return `${op} ${d.signal}${d.peer ? ` to ${d.peer}` : ''}`;
    case 'network':
      return `${op} ${networkObject(d)}`;
    case 'path':
      return `${op} ${pathTarget(d)}${maskWords(d.deniedMask ?? d.requestedMask)}`;
    case 'peer':
      return `${op} ${d.peer}`;
    case 'other':
      return `${op}${d.info ? ` (${d.info})` : ''}`;
  }
}

/** Snap instance, or the raw label for non-snap profiles, or the command in parentheses. */
export function snapOf(d: Denial): string {
  return d.instance ?? d.snap ?? d.label ?? (d.comm !== undefined ? `(${d.comm})` : '?');
}

export function appOf(d: Denial): string {
  return d.hook ? `hook.${d.hook}` : (d.app ?? '');
}

/** The refused object, cheap enough to compute for every event. */
export function objectOf(d: Denial): string {
  return d.kind === 'seccomp' ? syscallObject(d) : d.kind === 'cgroup' ? deviceObject(d) : apparmorObject(d);
}

/** The list's one line, computed once per group. */
export function summaryOf(d: Denial): string {
  return d.kind === 'seccomp'
    ? syscallSummary(d)
    : d.kind === 'cgroup'
      ? deviceSummary(d)
      : apparmorSummary(d);
}

/** Splits a denial into the parts that decide its group. Pure. */
export function identify(d: Denial): DenialIdentity {
  return { snap: snapOf(d), app: appOf(d), object: objectOf(d), summary: summaryOf(d) };
}

/** The grouping key: same snap, app, kind and object. */
export function groupKeyOf(
  kind: Denial['kind'],
  identity: Pick<DenialIdentity, 'snap' | 'app' | 'object'>,
): string {
  return `${identity.snap}\u0000${identity.app}\u0000${kind}\u0000${identity.object}`;
}
