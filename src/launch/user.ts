/** The user the app runs as: --user, else the one sudo was invoked by, else the caller. */
import { readFileSync } from 'node:fs';

export interface TargetUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
  readonly home: string;
}

export class UserError extends Error {}

interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

export function parsePasswd(text: string): PasswdEntry[] {
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length >= 7 && /^\d+$/.test(f[2]!) && /^\d+$/.test(f[3]!))
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! }));
}

/** gids of the groups that list the user as a member, plus the primary one, sorted. */
export function supplementaryGroups(groupText: string, user: string, primary: number): number[] {
  const gids = new Set([primary]);
  for (const line of groupText.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || !/^\d+$/.test(f[2]!)) continue;
    if (f[3]!.split(',').includes(user)) gids.add(Number(f[2]));
  }
  return [...gids].sort((a, b) => a - b);
}

export function resolveUser(
  requested: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  files: { readonly passwd: string; readonly group: string } = {
    passwd: readFileSync('/etc/passwd', 'utf8'),
    group: readFileSync('/etc/group', 'utf8'),
  },
): TargetUser {
  const entries = parsePasswd(files.passwd);
  const wanted = requested ?? env.SUDO_UID ?? String(process.getuid?.() ?? 0);
  const entry = /^\d+$/.test(wanted)
    ? entries.find((e) => e.uid === Number(wanted))
    : entries.find((e) => e.name === wanted);
  if (entry === undefined) throw new UserError(`cannot find user "${wanted}" in /etc/passwd`);
  const gid = requested === undefined && env.SUDO_GID !== undefined ? Number(env.SUDO_GID) : entry.gid;
  return {
    name: entry.name,
    uid: entry.uid,
    gid,
    groups: supplementaryGroups(files.group, entry.name, gid),
    home: entry.home,
  };
}
