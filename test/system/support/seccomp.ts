import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseLine } from '../../../src/parse/index.js';

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

/** The seccomp fields of a line, read by the project's own parser (any prefix, any transport). */
export function seccompFieldsOf(line: string): SeccompFields | undefined {
  const result = parseLine(line);
  if (result.kind !== 'denial' || result.denial.kind !== 'seccomp') return undefined;
  const { pid, exe, syscall, code } = result.denial;
  if (pid === undefined || exe === undefined || syscall === undefined || code === undefined) return undefined;
  return { pid, exe, syscall: syscall.number, auditArch: syscall.auditArch, code };
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
      // Only if still empty: another test may have put its own snap there meanwhile.
      if (createdSnapDir && readdirSync('/snap').length === 0) rmdirSync('/snap');
    },
  };
}
