/** Small pieces of `run`: the SNAP.APP argument, AppArmor presence, one line per denial. */
import { readFileSync } from 'node:fs';
import type { Denial } from '../model/denial.js';
import { syscallName } from '../seccomp/tables.js';
import { archByAudit } from '../seccomp/arch.js';

export function parseSnapApp(text: string): { readonly snap: string; readonly app: string } | undefined {
  const m = /^([a-z0-9](?:-?[a-z0-9])*)\.([A-Za-z0-9](?:-?[A-Za-z0-9])*)$/.exec(text);
  if (m) return { snap: m[1]!, app: m[2]! };
  // `snap run NAME` runs the app named like the snap.
  return /^[a-z0-9](?:-?[a-z0-9])*$/.test(text) ? { snap: text, app: text } : undefined;
}

export function apparmorAvailable(): boolean {
  try {
    return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  } catch {
    return false;
  }
}

/** `seccomp DENIED ioprio_set (251) snap.hello.app pid 12` or `cgroup DENIED c 10:235 /dev/autofs r ...`. */
export function describeDenial(denial: Denial, tag: string): string {
  const decision = denial.decision ?? 'DENIED';
  const who = `${denial.label ?? tag} pid ${denial.pid ?? '?'}`;
  if (denial.kind === 'seccomp' && denial.syscall) {
    const arch = archByAudit(denial.syscall.auditArch)[0];
    const name = denial.syscall.name ?? (arch ? syscallName(arch.name, denial.syscall.number) : undefined);
    return `seccomp ${decision} ${name ?? '?'} (${denial.syscall.number}) ${who}`;
  }
  if (denial.kind === 'cgroup' && denial.device) {
    const d = denial.device;
    return `cgroup ${decision} ${d.type} ${d.major}:${d.minor} ${d.name ?? ''} ${d.access} ${who}`.replace(
      / +/g,
      ' ',
    );
  }
  return `${denial.kind} ${decision} ${denial.raw}`;
}
