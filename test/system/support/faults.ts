import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { auditRecordKey, parseJournalEntry } from '../../../src/sources/journal-entry.js';
import { holdersDir, SAVED_RATELIMIT } from '../../../src/system/printk.js';
import { ROOT } from '../../support/build.js';
import { HELPER } from './seccomp.js';

const run = promisify(execFile);
const DAEMONS = resolve(ROOT, 'scripts/daemons.sh');
const PIDFILES = {
  journald: '/run/snappy-debug/journald.pid',
  rsyslogd: '/run/snappy-debug/rsyslogd.pid',
} as const;
export const PRINTK_RATELIMIT = '/proc/sys/kernel/printk_ratelimit';

export type DaemonName = keyof typeof PIDFILES;

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs` naming `what`. */
export async function until(check: () => boolean, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True while `pid` exists and is not a zombie waiting to be reaped. */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function daemonPid(name: DaemonName): number {
  return Number(readFileSync(PIDFILES[name], 'utf8').trim());
}

/** Sends `signal` to one of the shared daemons and waits until it is gone. */
export async function killDaemon(name: DaemonName, signal: NodeJS.Signals): Promise<void> {
  const pid = daemonPid(name);
  process.kill(pid, signal);
  await until(
    () => !processRunning(pid),
    () => `${name} (pid ${pid}) to die of ${signal}`,
  );
}

/** scripts/daemons.sh start: every shared daemon running again (other test files need them). */
export function startDaemons(): void {
  execFileSync('bash', [DAEMONS, 'start'], { stdio: 'inherit' });
}

export function setPrintkRatelimit(value: number): void {
  writeFileSync(PRINTK_RATELIMIT, `${value}\n`);
}

export function readPrintkRatelimitValue(): number {
  return Number(readFileSync(PRINTK_RATELIMIT, 'utf8').trim());
}

/** The JSON objects `scanlog --json` printed (whole lines only: it may be writing the next one). */
export function jsonDenials(stdout: string): { pid: number | null; raw: string }[] {
  return stdout
    .slice(0, stdout.lastIndexOf('\n') + 1)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { pid: number | null; raw: string });
}

export const FAULTS_SNAP = 'snappy-debug-faults';

/**
 * A copy of the seccomp helper under /snap/snappy-debug-faults/x1/bin/, so that scanlog can be
 * told to show only its denials (other runs on this machine may flood the log meanwhile).
 */
export function installFaultsHelper(): { readonly executable: string; cleanup(): void } {
  const root = join('/snap', FAULTS_SNAP);
  const executable = join(root, 'x1/bin/seccomp-trigger');
  mkdirSync(dirname(executable), { recursive: true });
  copyFileSync(HELPER, executable);
  return { executable, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The audit stamp (SECONDS.MILLIS:SERIAL) of a seccomp record shown by scanlog or kept by journald. */
export function stampOf(raw: string): string | undefined {
  const entry = parseJournalEntry(raw);
  if (entry) return auditRecordKey(entry);
  return /audit\((\d+\.\d+:\d+)\)/.exec(raw)?.[1];
}

/**
 * The audit stamps journald holds for seccomp records of `pids` (kernel and audit transports,
 * each record once), read with journalctl itself.
 */
export async function journaldStamps(
  pids: readonly number[],
  since: string,
): Promise<Map<number, Set<string>>> {
  const { stdout } = await run('journalctl', ['--output=json', '--no-pager', `--since=${since}`], {
    maxBuffer: 1 << 30,
  });
  const stamps = new Map<number, Set<string>>(pids.map((pid) => [pid, new Set<string>()]));
  for (const line of stdout.split('\n')) {
    if (!line.includes('1326') && !line.includes('SECCOMP')) continue;
    const entry = parseJournalEntry(line);
    const message = entry?.['MESSAGE'];
    if (!entry || typeof message !== 'string') continue;
    const pid = /\bpid=(\d+) /.exec(message)?.[1];
    const set = pid === undefined ? undefined : stamps.get(Number(pid));
    const key = auditRecordKey(entry);
    if (set && key !== undefined) set.add(key);
  }
  return stamps;
}

/** journalctl's --since form of a moment: local time, seconds. */
export function journalTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/**
 * Moves aside the hold files of the processes keeping printk_ratelimit lowered (the test run's
 * global setup is one), so that a test sees a scanlog that is the only holder restore the value.
 * Returns the function that puts them back.
 */
export function hidePrintkHolders(): () => void {
  const holders = holdersDir(SAVED_RATELIMIT);
  const aside = `${holders}.hidden-by-test`;
  rmSync(aside, { recursive: true, force: true });
  const had = existsSync(holders);
  if (had) renameSync(holders, aside);
  return () => {
    rmSync(holders, { recursive: true, force: true });
    if (had) renameSync(aside, holders);
  };
}
