import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRINTK_RATELIMIT = '/proc/sys/kernel/printk_ratelimit';
/** Where the value to restore is kept while we run, so a run killed with SIGKILL is repaired next time. */
export const SAVED_RATELIMIT = '/run/snappy-debug/printk_ratelimit';

export interface PrintkPaths {
  readonly sysctl?: string;
  readonly saved?: string;
}

export interface LoweredRatelimit {
  /** The value before we set 0 (taken from the saved file when a previous run was killed). */
  readonly previous: number;
  /** True when `previous` came from a run that did not restore it. */
  readonly recovered: boolean;
  /** Puts `previous` back and removes the saved file; safe to call more than once. */
  restore(): Promise<void>;
}

const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

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

/**
 * Sets kernel.printk_ratelimit to 0 so that bursts of audit records all reach the kernel log,
 * and restores the previous value on restore(), on normal exit, on an uncaught exception, and
 * on SIGINT/SIGTERM/SIGHUP. The previous value is also saved (atomically) under /run so that
 * the next start after a SIGKILL knows the original. Prints nothing.
 */
export async function lowerPrintkRatelimit(
  paths: PrintkPaths = {},
  installExitHooks = true,
): Promise<LoweredRatelimit> {
  const sysctl = paths.sysctl ?? PRINTK_RATELIMIT;
  const saved = paths.saved ?? SAVED_RATELIMIT;
  const leftOver = savedPrintkRatelimit(saved);
  const previous = leftOver ?? readPrintkRatelimit(sysctl);
  writeAtomically(saved, `${previous}\n`);
  writeFileSync(sysctl, '0\n');

  let restored = false;
  const restoreNow = (): void => {
    if (restored) return;
    restored = true;
    removeHooks();
    writeFileSync(sysctl, `${previous}\n`);
    rmSync(saved, { force: true });
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
  return {
    previous,
    recovered: leftOver !== undefined,
    restore: async () => restoreNow(),
  };
}

/** Restores a value a killed run left behind; returns it, or undefined when nothing was left. */
export function recoverPrintkRatelimit(paths: PrintkPaths = {}): number | undefined {
  const saved = paths.saved ?? SAVED_RATELIMIT;
  const value = savedPrintkRatelimit(saved);
  if (value === undefined) return undefined;
  writeFileSync(paths.sysctl ?? PRINTK_RATELIMIT, `${value}\n`);
  rmSync(saved, { force: true });
  return value;
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o644 });
  renameSync(temporary, path);
}
