import { Worker } from 'node:worker_threads';

/** What the reader thread hands over: records in ring order, '' where the kernel overwrote some. */
export interface RingRead {
  readonly records: readonly string[];
  /** The ring had nothing more to read when this was sent. */
  readonly drained: boolean;
}

export interface RingReaderOptions {
  /** Records read before handing them over, at most. */
  readonly readsPerTurn: number;
  /** Wait after the ring ran dry: `busyPollMs` for `busyForMs` after a record, else `pollMs`. */
  readonly pollMs: number;
  readonly busyPollMs: number;
  readonly busyForMs: number;
  /** Stop at the first time the ring is dry (not following). */
  readonly once: boolean;
}

/** read() fails with EINVAL when the buffer is too small for a record (at most about 8 KiB). */
const RECORD_BUFFER = 16 * 1024;

/**
 * The reader thread's body, sent as source text (so it runs whatever file the bundler put this
 * module in): no imports and no closure; what it needs comes as arguments from THREAD_SOURCE.
 * Reads the non-blocking descriptor until EAGAIN, hands over what it read, sleeps on the stop
 * flag, and again.
 */
function readRing(
  readSync: typeof import('node:fs').readSync,
  parentPort: import('node:worker_threads').MessagePort | null,
  workerData: unknown,
): void {
  const data = workerData as RingReaderOptions & { fd: number; control: SharedArrayBuffer; size: number };
  const stop = new Int32Array(data.control);
  const buffer = Buffer.alloc(data.size);
  let lastRecordAt = 0;
  let saidDrained = false;
  while (Atomics.load(stop, 0) === 0) {
    const records: string[] = [];
    let drained = false;
    for (let i = 0; i < data.readsPerTurn; i++) {
      try {
        const length = readSync(data.fd, buffer, 0, buffer.length, null);
        if (length === 0) {
          drained = true;
          break;
        }
        records.push(buffer.toString('utf8', 0, length));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          drained = true;
          break;
        }
        if (code === 'EPIPE') {
          records.push('');
          continue;
        }
        parentPort?.postMessage({ records, drained: false, error: String((error as Error).message), code });
        return;
      }
    }
    if (records.length > 0) lastRecordAt = Date.now();
    // An empty hand-over only when the ring just ran dry: the first time, and after records.
    if (records.length > 0 || (drained && !saidDrained)) parentPort?.postMessage({ records, drained });
    saidDrained = drained;
    if (!drained) continue;
    if (data.once) return;
    const waitMs = Date.now() - lastRecordAt < data.busyForMs ? data.busyPollMs : data.pollMs;
    Atomics.wait(stop, 0, 0, waitMs);
  }
}

/** An eval'd worker is a CommonJS script: `require` is its own, not the bundle's. */
const THREAD_SOURCE =
  "const { readSync } = require('node:fs');\n" +
  "const { parentPort, workerData } = require('node:worker_threads');\n" +
  `(${readRing.toString()})(readSync, parentPort, workerData);\n`;

/**
 * Reads /dev/kmsg (`fd`, opened non-blocking by the caller, who closes it after `stop()`) on a
 * thread of its own, so the ring is drained every few milliseconds however long the main thread
 * is busy (a frame, a batch, a collection): at 10,000 records a second the 128 KiB ring holds about
 * 50 ms. Calls `onRead` in ring order on the main thread; `onEnd` once, with the error if reading
 * failed, when the thread is done.
 */
export function startRingReader(
  fd: number,
  options: RingReaderOptions,
  onRead: (read: RingRead) => void,
  onEnd: (error?: Error) => void,
): { stop(): Promise<void> } {
  const control = new SharedArrayBuffer(4);
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { ...options, fd, control, size: RECORD_BUFFER },
  });
  let failure: Error | undefined;
  worker.on('message', (message: RingRead & { error?: string; code?: string }) => {
    if (message.records.length > 0 || message.drained) onRead(message);
    if (message.error !== undefined) {
      failure = Object.assign(new Error(message.error), { code: message.code });
    }
  });
  worker.on('error', (error) => (failure ??= error));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      onEnd(failure);
      resolve();
    }),
  );
  return {
    async stop(): Promise<void> {
      const flag = new Int32Array(control);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      await exited;
    },
  };
}
