import { closeSync, constants, openSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { opening } from './open-error.js';

/** How often an abort tries again to release a FIFO's open that had not reached the kernel yet. */
const RELEASE_RETRY_MS = 20;

/**
 * Opens `path` for reading; undefined when `signal` aborts first. Opening a FIFO waits for a
 * writer, in a libuv thread that no abort can cancel and whose pending open keeps the process
 * alive: on abort, this process opens that FIFO for writing itself (without blocking, which
 * succeeds as its own open is a waiting reader), so that the open completes, and closes both.
 */
export async function openUnlessAborted(path: string, signal?: AbortSignal): Promise<FileHandle | undefined> {
  if (signal?.aborted) return undefined;
  let settled = false;
  const opened = opening(path, () => open(path, 'r')).finally(() => {
    settled = true;
  });
  if (signal === undefined) return opened;
  let retry: NodeJS.Timeout | undefined;
  const release = (): void => {
    if (settled) return;
    releaseWaitingOpen(path);
    retry = setTimeout(release, RELEASE_RETRY_MS);
  };
  signal.addEventListener('abort', release, { once: true });
  try {
    const handle = await opened;
    if (!signal.aborted) return handle;
    await handle.close();
    return undefined;
  } finally {
    signal.removeEventListener('abort', release);
    clearTimeout(retry);
  }
}

/** Completes a reader's open waiting on the FIFO at `path` (nothing for any other file). */
function releaseWaitingOpen(path: string): void {
  try {
    if (!statSync(path).isFIFO()) return;
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // ENXIO: the reader's open has not reached the kernel yet (tried again), or the FIFO is gone.
  }
}
