import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const HELPER = resolve(import.meta.dirname, '../../../native/build/helpers/seccomp-trigger');

export interface TriggerOptions {
  readonly action?: 'errno' | 'log';
  readonly arch?: 'x86_64' | 'i386';
  readonly syscall?: number;
  readonly count?: number;
  /** Run this copy of the helper instead (e.g. one under /snap). */
  readonly executable?: string;
}

export interface Triggered {
  readonly pid: number;
  readonly arch: string;
  readonly syscall: number;
  readonly result: number;
  readonly errno: number;
  readonly exe: string;
}

/** Runs the helper under a real seccomp filter; the kernel logs one type=1326 record per call. */
export async function triggerSeccompDenial(options: TriggerOptions = {}): Promise<Triggered> {
  const args = [
    `--action=${options.action ?? 'errno'}`,
    `--arch=${options.arch ?? 'x86_64'}`,
    ...(options.syscall !== undefined ? [`--syscall=${options.syscall}`] : []),
    ...(options.count !== undefined ? [`--count=${options.count}`] : []),
  ];
  const exe = options.executable ?? HELPER;
  const { stdout } = await run(exe, args);
  const match = /^pid=(\d+) arch=(\S+) syscall=(\d+) action=\S+ count=\d+ result=(-?\d+) errno=(\d+)$/m.exec(
    stdout,
  );
  if (!match) throw new Error(`unexpected seccomp-trigger output: ${stdout}`);
  return {
    pid: Number(match[1]),
    arch: match[2]!,
    syscall: Number(match[3]),
    result: Number(match[4]),
    errno: Number(match[5]),
    exe,
  };
}

export interface SeccompFields {
  readonly pid: number;
  readonly exe: string;
  readonly syscall: number;
  readonly auditArch: string;
  readonly code: string;
}

/** A deliberately small local reading of a type=1326 record (any prefix, any transport). */
export function seccompFieldsOf(line: string): SeccompFields | undefined {
  const text = line.startsWith('{') ? ((JSON.parse(line) as { MESSAGE?: unknown }).MESSAGE ?? '') : line;
  if (typeof text !== 'string') return undefined;
  const match =
    /(?:type=1326|SECCOMP) .*?pid=(\d+) comm=\S+ exe="([^"]+)" sig=\d+ arch=([0-9a-f]+) syscall=(\d+) compat=\d+ ip=\S+ code=(0x[0-9a-f]+)/.exec(
      text,
    );
  if (!match) return undefined;
  return {
    pid: Number(match[1]),
    exe: match[2]!,
    auditArch: match[3]!,
    syscall: Number(match[4]),
    code: match[5]!,
  };
}

export const SNAP_TEST_ROOT = '/snap/snappy-debug-test';

/**
 * Copies the helper to /snap/snappy-debug-test/x1/bin/ so that its exe= looks like a snap's.
 * Returns the path and a cleanup that removes what was created (and /snap if we made it).
 */
export function installHelperUnderSnap(): { readonly executable: string; cleanup(): void } {
  const createdSnapDir = !existsSync('/snap');
  const executable = join(SNAP_TEST_ROOT, 'x1/bin/seccomp-trigger');
  mkdirSync(dirname(executable), { recursive: true });
  copyFileSync(HELPER, executable);
  return {
    executable,
    cleanup() {
      rmSync(SNAP_TEST_ROOT, { recursive: true, force: true });
      if (createdSnapDir) rmSync('/snap', { recursive: true, force: true });
    },
  };
}
