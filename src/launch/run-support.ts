/** Small pieces of `run`: the SNAP.APP argument, AppArmor presence, one line per denial. */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Denial } from '../model/denial.js';
import { syscallName } from '../seccomp/tables.js';
import { archByAudit } from '../seccomp/arch.js';

export interface SnapAppRef {
  readonly snap: string;
  /** NAME or NAME_KEY (parallel installs). */
  readonly instance: string;
  readonly app: string;
}

const SNAP_APP = /^([a-z0-9](?:-?[a-z0-9])*)(?:_([a-z0-9]{1,10}))?(?:\.([A-Za-z0-9](?:-?[A-Za-z0-9])*))?$/;

/** SNAP.APP or SNAP_KEY.APP; a bare SNAP runs the app named like the snap, as `snap run` does. */
export function parseSnapApp(text: string): SnapAppRef | undefined {
  const m = SNAP_APP.exec(text);
  if (!m) return undefined;
  const [, snap, key, app] = m;
  return { snap: snap!, instance: key ? `${snap}_${key}` : snap!, app: app ?? snap! };
}

export function apparmorAvailable(): boolean {
  try {
    return (
      readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y' &&
      statSync('/sys/kernel/security/apparmor').isDirectory()
    );
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

/** A base given as a directory, refused when it is not one. */
export class BaseError extends Error {}

/**
 * Where the base snap's root is: --base-path, else /snap/BASE/current; undefined when snap.yaml
 * names no base or it is not installed (the launcher then says so and uses the host's root).
 */
export function baseRoot(base: string | undefined, path: string | undefined): string | undefined {
  if (path !== undefined) {
    const dir = resolve(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new BaseError(`cannot use --base-path ${path}: not a directory`);
    }
    return realpathSync(dir);
  }
  if (base === undefined || base === 'bare') return undefined;
  const installed = `/snap/${base}/current`;
  return existsSync(installed) ? realpathSync(installed) : undefined;
}
