import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';

export function isRoot(): boolean {
  return process.geteuid?.() === 0;
}

interface Readable {
  readonly what: string;
  readonly path: string;
}

const LOGS: readonly Readable[] = [
  { what: '/dev/kmsg', path: '/dev/kmsg' },
  { what: '/var/log/audit/audit.log', path: '/var/log/audit/audit.log' },
  { what: '/var/log/syslog', path: '/var/log/syslog' },
  { what: '/var/log/kern.log', path: '/var/log/kern.log' },
];

/**
 * What the current user cannot read among the logs that carry denials, in words for one
 * warning line: e.g. "/dev/kmsg (kernel.dmesg_restrict = 1)", "the system journal (not in
 * group adm or systemd-journal)". Logs that do not exist are not listed.
 */
export async function unreadableSources(): Promise<string[]> {
  const missed: string[] = [];
  for (const log of LOGS) {
    const state = await accessState(log.path);
    if (state !== 'unreadable') continue;
    if (log.path === '/dev/kmsg' && (await dmesgRestricted())) {
      missed.push('/dev/kmsg (kernel.dmesg_restrict = 1)');
    } else {
      missed.push(log.what);
    }
  }
  if (!isRoot() && !(await inJournalGroup())) {
    missed.push('the system journal (not in group adm, systemd-journal or wheel)');
  }
  return missed;
}

/** Opens for real: access(2) would miss dmesg_restrict, which is checked only at open. */
async function accessState(path: string): Promise<'readable' | 'unreadable' | 'absent'> {
  try {
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    await handle.close();
    return 'readable';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable';
  }
}

async function dmesgRestricted(): Promise<boolean> {
  const text = await readFile('/proc/sys/kernel/dmesg_restrict', 'utf8').catch(() => '0');
  return text.trim() === '1';
}

/** journalctl shows other users' and system entries to root and members of these groups. */
async function inJournalGroup(): Promise<boolean> {
  const groups = await readFile('/etc/group', 'utf8').catch(() => '');
  const mine = new Set(process.getgroups?.() ?? []);
  for (const line of groups.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name && ['adm', 'systemd-journal', 'wheel'].includes(name) && mine.has(Number(gid))) return true;
  }
  return false;
}
