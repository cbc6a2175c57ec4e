import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export const PRINTK_RATELIMIT = '/proc/sys/kernel/printk_ratelimit';
/** Where the value to restore is kept while we run, so a run killed with SIGKILL is repaired next time. */
export const SAVED_RATELIMIT = '/run/snappy-debug/printk_ratelimit';

export interface PrintkPaths {
  readonly sysctl?: string;
  readonly saved?: string;
}

export interface LoweredRatelimit {
  /** The value before any of our processes set 0 (from the saved file when one had already). */
  readonly previous: number;
  /** True when `previous` came from a run that was killed before it could restore it. */
  readonly recovered: boolean;
  /**
   * Gives up this process's hold; the last live holder puts `previous` back and removes the
   * saved file. Safe to call more than once.
   */
  restore(): Promise<void>;
}

const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** unlink, a file already gone being fine (rmSync would load its whole rimraf module for this). */
function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export function readPrintkRatelimit(sysctl: string = PRINTK_RATELIMIT): number {
  const text = readFileSync(sysctl, 'utf8').trim();
  if (!/^\d+$/.test(text)) throw new Error(`cannot read ${sysctl}: unexpected content '${text}'`);
  return Number(text);
}

/** The value a killed run left to restore, if any. */
export function savedPrintkRatelimit(saved: string = SAVED_RATELIMIT): number | undefined {
  let text: string;
  try {
    text = readFileSync(saved, 'utf8').trim();
  } catch {
    return undefined;
  }
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** The directory of hold files (one per lowering process: PID.SEQ) beside the saved value. */
export function holdersDir(saved: string = SAVED_RATELIMIT): string {
  return `${saved}.holders`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Hold files of processes still running; those of dead ones are removed. */
function liveHolders(saved: string): string[] {
  const dir = holdersDir(saved);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    const pid = Number(name.split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) return true;
    removeFile(join(dir, name));
    return false;
  });
}

const LOCK_WAIT_MS = 2000;

/** True when the lock's owner has died (an empty lock is being written: its owner lives). */
function lockOwnerGone(lock: string): boolean {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8').trim();
  } catch {
    return false; // released meanwhile: try again
  }
  const owner = Number(text);
  return text !== '' && !(Number.isInteger(owner) && owner > 0 && alive(owner));
}

/**
 * Runs `work` holding an exclusive lock file (created with O_EXCL; a lock whose owner died is
 * broken), so that concurrent snappy-debug processes save and restore the value one at a time.
 */
function withLock<T>(saved: string, work: () => T): T {
  const lock = `${saved}.lock`;
  mkdirSync(dirname(saved), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o644);
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockOwnerGone(lock) || Date.now() > deadline) removeFile(lock);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  try {
    return work();
  } finally {
    removeFile(lock);
  }
}

let holdSequence = 0;

/**
 * Sets kernel.printk_ratelimit to 0 so that bursts of audit records all reach the kernel log.
 * Several snappy-debug processes may hold it lowered at once (a scanlog and a run): each holds
 * a file under holdersDir(), and the last live holder to let go puts the original value back.
 * Restores on restore(), on normal exit, on an uncaught exception, and on SIGINT/SIGTERM/SIGHUP.
 * The original value is saved (atomically) under /run, so that the next start after a SIGKILL
 * restores it. Prints nothing.
 */
export async function lowerPrintkRatelimit(
  paths: PrintkPaths = {},
  installExitHooks = true,
): Promise<LoweredRatelimit> {
  const sysctl = paths.sysctl ?? PRINTK_RATELIMIT;
  const saved = paths.saved ?? SAVED_RATELIMIT;
  const hold = join(holdersDir(saved), `${process.pid}.${++holdSequence}`);
  const { previous, recovered } = withLock(saved, () => {
    const others = liveHolders(saved);
    const leftOver = savedPrintkRatelimit(saved);
    const original = leftOver ?? readPrintkRatelimit(sysctl);
    if (leftOver === undefined) writeAtomically(saved, `${original}\n`);
    mkdirSync(holdersDir(saved), { recursive: true });
    writeFileSync(hold, '');
    writeFileSync(sysctl, '0\n');
    return { previous: original, recovered: leftOver !== undefined && others.length === 0 };
  });

  let restored = false;
  const restoreNow = (): void => {
    if (restored) return;
    restored = true;
    removeHooks();
    withLock(saved, () => {
      removeFile(hold);
      if (liveHolders(saved).length > 0) return;
      writeFileSync(sysctl, `${previous}\n`);
      removeFile(saved);
    });
  };
  // Runs first (prepended), so every other listener is still registered: when there is none,
  // nobody else handles the signal and we die of it as we would have without this hook.
  const onSignal = (signal: NodeJS.Signals): void => {
    const othersHandleIt = process.listenerCount(signal) > 1;
    restoreNow();
    if (!othersHandleIt) process.kill(process.pid, signal);
  };
  const removeHooks = (): void => {
    process.removeListener('exit', restoreNow);
    for (const signal of EXIT_SIGNALS) process.removeListener(signal, onSignal);
  };
  if (installExitHooks) {
    process.once('exit', restoreNow);
    for (const signal of EXIT_SIGNALS) process.prependListener(signal, onSignal);
  }
  return { previous, recovered, restore: async () => restoreNow() };
}

/**
 * Restores a value that killed runs left behind, when no live process still holds it lowered;
 * returns it, or undefined when there was nothing to restore.
 */
export function recoverPrintkRatelimit(paths: PrintkPaths = {}): number | undefined {
  const saved = paths.saved ?? SAVED_RATELIMIT;
  if (savedPrintkRatelimit(saved) === undefined) return undefined;
  return withLock(saved, () => {
    const value = savedPrintkRatelimit(saved);
    if (value === undefined || liveHolders(saved).length > 0) return undefined;
    writeFileSync(paths.sysctl ?? PRINTK_RATELIMIT, `${value}\n`);
    removeFile(saved);
    return value;
  });
}

/** Runs `work` with the limit lowered as root (restored after it, whatever happens); as is otherwise. */
export async function withLoweredPrintk<T>(work: () => Promise<T>): Promise<T> {
  if (process.geteuid?.() !== 0) return work();
  const lowered = await lowerPrintkRatelimit();
  try {
    return await work();
  } finally {
    await lowered.restore();
  }
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o644 });
  renameSync(temporary, path);
}
