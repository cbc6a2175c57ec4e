/**
 * What every scanlog path shares (scanlog-follow.ts, and replay-run.ts, which is also bundled on
 * its own): the system's preparation and the announcement that the source is ready.
 */
import type { CommandIO } from '../commands/types.js';
import { lowerPrintkRatelimit, recoverPrintkRatelimit } from '../system/printk.js';
import { isRoot, unreadableSources } from '../system/privileges.js';

/** Calls `onReady` once the first batch is read (the file is open and readable). */
export async function* announced<T>(batches: AsyncIterable<T>, onReady: () => void): AsyncGenerator<T> {
  let ready = false;
  for await (const batch of batches) {
    if (!ready) {
      ready = true;
      onReady();
    }
    yield batch;
  }
  if (!ready) onReady();
}

/**
 * Sets printk_ratelimit to 0 as root (restored on every exit path); warns what a non-root run
 * misses. `sourceName` is the source's LogSource.name.
 */
export async function prepareSystem(
  keepRatelimit: boolean,
  sourceName: string,
  io: CommandIO,
): Promise<() => Promise<void>> {
  if (!isRoot()) {
    const missed = await unreadableSources();
    const what = missed.length > 0 ? `; cannot read ${missed.join(', ')}` : '';
    io.stderr.write(
      `WARN: not root: kernel.printk_ratelimit stays as it is, so bursts of denials may be dropped${what}\n`,
    );
    return async () => {};
  }
  // A pipe is usually `journalctl -f`: live kernel messages, so lower the limit as for any follower.
  if (keepRatelimit || sourceName === 'file') {
    const recovered = recoverPrintkRatelimit();
    if (recovered !== undefined)
      io.stderr.write(`kernel.printk_ratelimit = ${recovered} (restored: a killed run had left 0)\n`);
    return async () => {};
  }
  const lowered = await lowerPrintkRatelimit();
  io.stderr.write('kernel.printk_ratelimit = 0\n');
  return lowered.restore;
}
