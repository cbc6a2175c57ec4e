/**
 * AppArmor rules as overlay entries carry them (`/etc/foo r,`, `capability net_admin,`,
 * `network inet dgram,`, `dbus (send) bus=system ...,`): the exact rule a denial needs, and
 * the reading of such a rule back into the fields rules/interfaces/*.yaml uses. Pure.
 */
import type { Denial } from '../model/denial.js';
import { accessKind, deniedFilePerms } from '../suggest/access.js';

export type ParsedRule =
  | { readonly section: 'file'; readonly path: string; readonly perms: string; readonly owner: boolean }
  | { readonly section: 'capability'; readonly name: string }
  | { readonly section: 'network'; readonly family: string; readonly type?: string }
  | {
      readonly section: 'dbus' | 'signal' | 'ptrace' | 'unix' | 'mount';
      readonly fields: ReadonlyMap<string, string>;
    }
  | { readonly section: 'userns' };

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

/** Splits on blanks outside quotes and parentheses. */
function words(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let inQuote = false;
  for (const ch of text) {
    if (ch === '"') inQuote = !inQuote;
    else if (!inQuote && ch === '(') depth++;
    else if (!inQuote && ch === ')') depth--;
    if (!inQuote && depth === 0 && /\s/.test(ch)) {
      if (current !== '') out.push(current);
      current = '';
    } else current += ch;
  }
  if (current !== '') out.push(current);
  return out;
}

const unquote = (value: string): string =>
  value.startsWith('"') && value.endsWith('"') && value.length >= 2
    ? value.slice(1, -1).replace(/\\"/g, '"')
    : value;
const ungroup = (value: string): string =>
  value.startsWith('(') && value.endsWith(')') ? value.slice(1, -1).trim() : value;

/** A rule we can read; anything else is an Error whose message says what was expected. */
export class RuleSyntaxError extends Error {}

const FILE_PERMS = /^(?:[rwaklm]|[ipcuPCU]?x)+$/;
const NAME = /^[a-z0-9_]+$/;

/** Reads `access (..)` then key=value words (a `peer=(k=v, ...)` group becomes peer_KEY). */
function keyedFields(rest: readonly string[], rule: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const word of rest) {
    if (word.startsWith('(')) {
      fields.set(
        'access',
        ungroup(word)
          .split(/[\s,]+/)
          .filter(Boolean)
          .join(' '),
      );
      continue;
    }
    const eq = word.indexOf('=');
    if (eq <= 0) throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": "${word}" is not KEY=VALUE`);
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1);
    if (key === 'peer' && value.startsWith('(')) {
      for (const part of ungroup(value).split(/,\s*/).filter(Boolean)) {
        const [k, ...v] = part.split('=');
        if (k === undefined || v.length === 0)
          throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": "${part}" is not KEY=VALUE`);
        fields.set(`peer_${k.trim()}`, unquote(v.join('=').trim()));
      }
    } else fields.set(key, key === 'set' ? ungroup(value) : unquote(value));
  }
  return fields;
}

function mountFields(rest: readonly string[], rule: string): Map<string, string> {
  const fields = new Map<string, string>();
  const plain = rest.filter((w) => {
    if (!w.startsWith('fstype=')) return true;
    fields.set('fstype', unquote(w.slice('fstype='.length)));
    return false;
  });
  const arrow = plain.indexOf('->');
  const target = arrow >= 0 ? plain[arrow + 1] : plain[0];
  if (target === undefined) throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": no mount point`);
  fields.set('mountpoint', unquote(target));
  const source = arrow > 0 ? plain[arrow - 1] : undefined;
  if (source !== undefined) fields.set('source', unquote(source));
  return fields;
}

/** Reads one rule of the shapes apparmorRuleFor writes (and file rules with `owner`). */
export function parseApparmorRule(rule: string): ParsedRule {
  const text = rule.trim();
  if (!text.endsWith(','))
    throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": it must end with ","`);
  const all = words(text.slice(0, -1));
  const owner = all[0] === 'owner';
  const [head, ...rest] = owner ? all.slice(1) : all;
  if (head === undefined) throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": it is empty`);
  if (owner || head.startsWith('/') || head.startsWith('@{') || head.startsWith('"')) {
    const [perms, extra] = rest;
    const path = unquote(head);
    if (
      !(path.startsWith('/') || path.startsWith('@{')) ||
      perms === undefined ||
      extra !== undefined ||
      !FILE_PERMS.test(perms)
    )
      throw new RuleSyntaxError(
        `cannot read AppArmor rule "${rule}": expected "PATH PERMS," (perms from rwaklm and ix)`,
      );
    return { section: 'file', path, perms, owner };
  }
  switch (head) {
    case 'capability':
      if (rest.length !== 1 || !NAME.test(rest[0]!))
        throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": expected "capability NAME,"`);
      return { section: 'capability', name: rest[0]! };
    case 'network': {
      const [family, type, extra] = rest;
      if (
        family === undefined ||
        extra !== undefined ||
        !NAME.test(family) ||
        (type !== undefined && !NAME.test(type))
      )
        throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": expected "network FAMILY [TYPE],"`);
      return type === undefined ? { section: 'network', family } : { section: 'network', family, type };
    }
    case 'userns':
      if (rest.length > 0)
        throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": expected "userns,"`);
      return { section: 'userns' };
    case 'dbus':
    case 'signal':
    case 'ptrace':
    case 'unix':
      return { section: head, fields: keyedFields(rest, rule) };
    case 'mount':
    case 'umount':
      return { section: 'mount', fields: new Map([['operation', head], ...mountFields(rest, rule)]) };
    default:
      throw new RuleSyntaxError(
        `cannot read AppArmor rule "${rule}": expected a file, capability, network, dbus, signal, ptrace, unix, mount or userns rule`,
      );
  }
}
