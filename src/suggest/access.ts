import type { Denial } from '../model/denial.js';

/** What kind of access a denial is about, as far as interface rules are concerned. */
export type AccessKind =
  | 'file'
  | 'capability'
  | 'network'
  | 'unix'
  | 'dbus'
  | 'signal'
  | 'ptrace'
  | 'mount'
  | 'userns'
  | 'syscall'
  | 'device'
  | 'unknown';

const MOUNT_OPERATIONS = new Set(['mount', 'umount', 'remount', 'pivotroot', 'move_mount']);

export function accessKind(d: Denial): AccessKind {
  if (d.kind === 'seccomp') return 'syscall';
  if (d.kind === 'cgroup') return 'device';
  const op = d.operation ?? '';
  if (op === 'capable' || d.class === 'cap' || d.capname !== undefined) return 'capability';
  if (d.class === 'dbus' || op.startsWith('dbus_') || d.dbus !== undefined) return 'dbus';
  if (op === 'signal' || d.class === 'signal') return 'signal';
  if (op === 'ptrace' || d.class === 'ptrace') return 'ptrace';
  if (MOUNT_OPERATIONS.has(op) || d.class === 'mount') return 'mount';
  if (op === 'userns_create' || d.class === 'namespace') return 'userns';
  if (d.family === 'unix' || d.class === 'unix') return d.path && !d.addr ? 'file' : 'unix';
  if (d.family !== undefined || d.class === 'net') return 'network';
  if (d.path !== undefined) return 'file';
  return 'unknown';
}

const FILE_LETTERS = 'rwacdxmkl';
/** Real masks are a few letters (`rw`, `x::r`); a corrupt line's 50 KiB one is read this far only. */
const MASK_LIMIT = 64;

/** The permissions a file denial asks for, as canonical letters (denied mask first). */
export function deniedFilePerms(d: Denial): string {
  const mask = (d.deniedMask ?? d.requestedMask ?? '').slice(0, MASK_LIMIT);
  let perms = permsOfMask.get(mask);
  if (perms === undefined) {
    const letters = new Set<string>();
    for (const ch of mask) if (FILE_LETTERS.includes(ch)) letters.add(ch);
    perms = [...letters].join('');
    if (permsOfMask.size >= 1_000) permsOfMask.clear();
    permsOfMask.set(mask, perms);
  }
  return perms;
}

/** Masks are a handful of short strings ("r", "wc"), asked about once per rule per denial. */
const permsOfMask = new Map<string, string>();

/** Words of a non-file mask such as "send receive" or "read". */
export function deniedWords(d: Denial): string[] {
  const mask = d.deniedMask ?? d.requestedMask ?? '';
  return mask.split(/[\s,]+/).filter((w) => w.length > 0);
}

const PERM_WORDS: Record<string, string> = {
  r: 'read',
  w: 'write',
  a: 'append',
  c: 'create',
  d: 'delete',
  x: 'execute',
  m: 'mmap',
  k: 'lock',
  l: 'link',
};

export function describePerms(perms: string): string {
  return [...perms].map((p) => PERM_WORDS[p] ?? p).join(', ');
}

/** Whether the file is the accessing user's own (unknown counts as owned: the rule may apply). */
export function ownsFile(d: Denial): boolean {
  return d.fsuid === undefined || d.ouid === undefined || d.fsuid === d.ouid;
}

/** `c` (create), `a` (append) and `d` (delete) are all covered by `w`. */
export function permsCovered(needed: string, granted: string): boolean {
  for (const p of needed) {
    if (granted.includes(p)) continue;
    if ('acd'.includes(p) && granted.includes('w')) continue;
    return false;
  }
  return true;
}
