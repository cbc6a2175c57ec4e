/**
 * The exact AppArmor rule a denial needs, as overlay entries carry it (`/etc/foo r,`,
 * `capability net_admin,`, `network inet dgram,`, `dbus (send) bus=system ...,`). Pure.
 */
import type { Denial } from '../model/denial.js';
import { accessKind, deniedFilePerms } from '../suggest/access.js';

/** Canonical order of file permissions in the rules we write. */
const PERM_ORDER = 'rwalkm';

function filePerms(d: Denial): string {
  const letters = new Set<string>();
  for (const p of deniedFilePerms(d)) letters.add(p === 'c' || p === 'd' ? 'w' : p);
  if (letters.has('w')) letters.delete('a');
  const plain = [...PERM_ORDER].filter((p) => letters.has(p)).join('');
  return letters.has('x') ? `${plain}ix` : plain;
}

/** /proc/1234/... is another process's path next run: write it as snapd's policy does. */
function policyPath(path: string): string {
  return path
    .replace(/^\/proc\/\d+\/task\/\d+\//, '@{PROC}/@{pid}/task/@{tid}/')
    .replace(/^\/proc\/\d+(\/|$)/, '@{PROC}/@{pid}$1');
}

function quoted(value: string): string {
  return /[\s,()"=]/.test(value) ? `"${value.replace(/"/g, '\\"')}"` : value;
}

function accessList(d: Denial, fallback: string): string {
  const words = (d.dbus?.mask ?? d.deniedMask ?? d.requestedMask ?? '').split(/[\s,]+/).filter(Boolean);
  return `(${(words.length > 0 ? words : [fallback]).join(', ')})`;
}

function keyed(pairs: readonly (readonly [string, string | undefined])[]): string {
  return pairs
    .filter(
      (pair): pair is readonly [string, string] =>
        pair[1] !== undefined && pair[1] !== '' && pair[1] !== 'none',
    )
    .map(([key, value]) => ` ${key}=${quoted(value)}`)
    .join('');
}

function dbusRule(d: Denial): string {
  const bus = d.dbus;
  const access = accessList(d, 'send');
  if (access === '(bind)')
    return `dbus (bind)${keyed([
      ['bus', bus?.bus],
      ['name', bus?.name],
    ])},`;
  const peer = keyed([
    ['name', bus?.name],
    ['label', d.peerLabel],
  ]).trim();
  const peerPart = peer === '' ? '' : ` peer=(${peer.split(' ').join(', ')})`;
  const fields: [string, string | undefined][] = [
    ['bus', bus?.bus],
    ['path', bus?.path],
    ['interface', bus?.interface],
    ['member', bus?.member],
  ];
  return `dbus ${access}${keyed(fields)}${peerPart},`;
}

function mountRule(d: Denial): string | undefined {
  const op = d.operation ?? '';
  if (d.path === undefined) return undefined;
  if (op === 'umount') return `umount ${quoted(d.path)},`;
  if (op !== 'mount') return undefined;
  const fstype = d.fstype !== undefined ? ` fstype=${quoted(d.fstype)}` : '';
  const source = d.srcname !== undefined ? ` ${quoted(d.srcname)}` : '';
  return `mount${fstype}${source} -> ${quoted(d.path)},`;
}

/** The narrowest AppArmor rule that allows what the denial was refused; undefined when there is none. */
export function apparmorRuleFor(d: Denial): string | undefined {
  if (d.kind !== 'apparmor') return undefined;
  switch (accessKind(d)) {
    case 'file': {
      const perms = filePerms(d);
      return d.path !== undefined && perms !== '' ? `${quoted(policyPath(d.path))} ${perms},` : undefined;
    }
    case 'capability':
      return d.capname !== undefined ? `capability ${d.capname},` : undefined;
    case 'network':
      return d.family !== undefined
        ? `network ${[d.family, d.sockType].filter(Boolean).join(' ')},`
        : undefined;
    case 'unix': {
      const peer = d.peerAddr !== undefined ? ` peer=(addr=${quoted(d.peerAddr)})` : '';
      return `unix ${accessList(d, 'connect')}${keyed([
        ['type', d.sockType],
        ['addr', d.addr],
      ])}${peer},`;
    }
    case 'dbus':
      return dbusRule(d);
    case 'signal':
      return d.signal !== undefined
        ? `signal ${accessList(d, 'send')} set=(${d.signal})${keyed([['peer', d.peer]])},`
        : undefined;
    case 'ptrace':
      return `ptrace ${accessList(d, 'read')}${keyed([['peer', d.peer]])},`;
    case 'mount':
      return mountRule(d);
    case 'userns':
      return 'userns,';
    default:
      return undefined;
  }
}
