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

function syscallObject(d: Denial): { object: string; summary: string } {
  const sc = d.syscall;
  if (!sc) return { object: 'syscall ?', summary: 'syscall (number missing)' };
  const named = sc.name ?? `${sc.number} (unresolved)`;
  const compat = sc.compat ? ` (${sc.arch ?? sc.auditArch} compat)` : '';
  return { object: `syscall ${sc.auditArch}:${sc.number}`, summary: `syscall ${named}${compat}` };
}

function deviceObject(d: Denial): { object: string; summary: string } {
  const dev = d.device;
  if (!dev) return { object: 'device ?', summary: 'device (fields missing)' };
  const id = `${dev.type} ${dev.major}:${dev.minor}`;
  return {
    object: `device ${id} ${dev.access}`,
    summary: `device ${id}${dev.name ? ` ${dev.name}` : ''} ${dev.access}`,
  };
}

function apparmorObject(d: Denial): { object: string; summary: string } {
  const op = d.operation ?? d.class ?? 'access';
  if (d.dbus && (d.dbus.member || d.dbus.interface)) {
    const member = [d.dbus.interface, d.dbus.member].filter(Boolean).join('.');
    const object = `dbus ${d.dbus.bus ?? ''} ${member} ${d.dbus.path ?? ''}`.trim();
    const verb = op.startsWith('dbus') ? op : `dbus ${op}`;
    return { object, summary: `${verb} ${member}${d.dbus.path ? ` ${d.dbus.path}` : ''}` };
  }
  if (d.capname !== undefined || d.capability !== undefined) {
    const cap = d.capname ?? String(d.capability);
    return { object: `capability ${cap}`, summary: `capability ${cap}` };
  }
  if (d.signal !== undefined) {
    const object = `signal ${d.signal} ${d.peer ?? ''}`.trim();
    return { object, summary: `${op} ${d.signal}${d.peer ? ` to ${d.peer}` : ''}` };
  }
  if (d.family !== undefined) {
    const object = `network ${d.family} ${d.sockType ?? ''} ${d.addr ?? ''}`.trim();
    return { object, summary: `${op} ${object}` };
  }
  if (d.path !== undefined) {
    const mask = d.deniedMask ?? d.requestedMask;
    const path = withoutPids(d.path);
    const target = d.target ? ` -> ${d.target}` : '';
    return {
      object: `path ${path}${target} ${mask ?? ''}`.trim(),
      summary: `${op} ${path}${target}${maskWords(mask)}`,
    };
  }
  if (d.peer !== undefined) return { object: `${op} ${d.peer}`, summary: `${op} ${d.peer}` };
  return { object: `${op} ${d.info ?? ''}`.trim(), summary: `${op}${d.info ? ` (${d.info})` : ''}` };
}

/** Splits a denial into the parts that decide its group. Pure. */
export function identify(d: Denial): DenialIdentity {
  // Not a snap: the profile's name, or for unconfined processes the command in parentheses.
  const snap = d.instance ?? d.snap ?? d.label ?? (d.comm !== undefined ? `(${d.comm})` : '?');
  const app = d.hook ? `hook.${d.hook}` : (d.app ?? '');
  const { object, summary } =
    d.kind === 'seccomp' ? syscallObject(d) : d.kind === 'cgroup' ? deviceObject(d) : apparmorObject(d);
  return { snap, app, object, summary };
}

/** The grouping key: same snap, app, kind and object. */
export function groupKeyOf(kind: Denial['kind'], identity: DenialIdentity): string {
  return `${identity.snap}\u0000${identity.app}\u0000${kind}\u0000${identity.object}`;
}
