import { constants, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { abortableDelay } from './abortable-delay.js';
import { BoundedQueue } from './kmsg-queue.js';
import { parseKmsgRecord, recordsLostBetween } from './kmsg-record.js';
import { lossNoticeOf } from './loss-notice.js';
import { opening } from './open-error.js';
import { sourceLine } from './source-line.js';
import type { BatchedLogSource, SourceLine, SourceOptions } from './types.js';

export const KMSG = '/dev/kmsg';
// read() fails with EINVAL when the buffer is too small for the next record; records are
// limited to about 8 KiB by the kernel.
const RECORD_BUFFER = 16 * 1024;
/**
 * Records read in one go before letting the event loop run: more than the ring holds at this rate
 * (128 KiB, about 430 seccomp records), so one turn of the reader empties it however long the
 * previous turn was ago; a cap below that lost records whenever turns came over 25 ms apart.
 */
const READS_PER_TURN = 1024;
/** Lines handed over at most in one batch. */
const MAX_BATCH_LINES = 4096;
/** Lines held for a slow consumer (about 300 bytes each) before newer ones are dropped. */
export const KMSG_QUEUE_LINES = 200_000;

/** Poll interval for a while after the last record was read. */
const BUSY_POLL_MS = 2;
const BUSY_FOR_MS = 1000;

type ReadResult = string | 'empty' | 'overrun';

export interface KmsgOptions {
  readonly path?: string;
  /** Wait between reads when the ring buffer has nothing new. */
  readonly pollMs?: number;
  /** Lines read but not yet taken by the consumer, at most. */
  readonly queueLines?: number;
}

/**
 * The kernel ring buffer read from /dev/kmsg, one record per read(). A reader loop of its own
 * drains the ring into a bounded queue whatever the consumer's pace, so a busy consumer does not
 * let the kernel overwrite records; what would overflow the queue is dropped and reported as a
 * gap. The descriptor is non-blocking, so each read() returns at once: they are made
 * synchronously, in batches, with no libuv worker ever parked in read(); on EAGAIN the loop waits
 * `pollMs` (2 ms for a second after a record). Records the kernel overwrote before we read them (EPIPE) are reported as a gap,
 * counted from the sequence numbers. Without `all`, what the buffer already holds is skipped.
 */
export function kmsgSource(pathOrOptions: string | KmsgOptions = {}, pollMs = 50): BatchedLogSource {
  const settings: KmsgOptions =
    typeof pathOrOptions === 'string' ? { path: pathOrOptions, pollMs } : { pollMs, ...pathOrOptions };
  const path = settings.path ?? KMSG;
  const lineBatches = (options: SourceOptions): AsyncGenerator<SourceLine[]> =>
    kmsgLineBatches(path, settings.pollMs ?? pollMs, settings.queueLines ?? KMSG_QUEUE_LINES, options);
  return {
    name: 'kmsg',
    description: `kernel ring buffer (${path})`,
    lineBatches,
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      for await (const batch of lineBatches(options)) yield* batch;
    },
  };
}

/** What the reader loop has queued, a batch per await: every line read so far, up to MAX_BATCH_LINES. */
async function* kmsgLineBatches(
  path: string,
  pollMs: number,
  queueLines: number,
  options: SourceOptions,
): AsyncGenerator<SourceLine[]> {
  const handle = await opening(path, () => open(path, constants.O_RDONLY | constants.O_NONBLOCK));
  const queue = new BoundedQueue<SourceLine>(queueLines);
  const stop = new AbortController();
  const stopped = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let wake: (() => void) | undefined;
  const wakeConsumer = (): void => {
    wake?.();
    wake = undefined;
  };
  stopped.addEventListener('abort', wakeConsumer, { once: true });
  let finished = false;
  let failure: unknown;
  const reader = readLoop(handle.fd, queue, pollMs, options, stopped, wakeConsumer).then(
    () => {
      finished = true;
      wakeConsumer();
    },
    (error: unknown) => {
      failure = error;
      finished = true;
      wakeConsumer();
    },
  );
  try {
    for (;;) {
      const batch = queue.shiftMany(MAX_BATCH_LINES);
      if (batch.length > 0) {
        yield batch;
        // A consumer that only awaits microtasks would keep the reader loop from running.
        if (queue.size > 0) await nextTurn();
        continue;
      }
      if (failure !== undefined) throw failure;
      if (finished || stopped.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stop.abort();
    await reader;
    await handle.close();
  }
}

/** Reads the ring into `queue` until `signal` aborts (or, when not following, its end). */
async function readLoop(
  fd: number,
  queue: BoundedQueue<SourceLine>,
  pollMs: number,
  options: SourceOptions,
  signal: AbortSignal,
  wakeConsumer: () => void,
): Promise<void> {
  const buffer = Buffer.alloc(RECORD_BUFFER);
  const follow = options.follow ?? true;
  let skipping = !(options.all ?? false);
  let lastSequence: number | undefined;
  let overrun = false;
  let lastRecordAt = 0;
  if (!skipping) options.onReady?.();
  while (!signal.aborted) {
    let result: ReadResult = 'empty';
    for (let i = 0; i < READS_PER_TURN; i++) {
      result = readRecord(fd, buffer);
      if (result === 'empty') break;
      if (result === 'overrun') {
        overrun = true;
        continue;
      }
      const record = parseKmsgRecord(result);
      if (!record) continue;
      lastRecordAt = Date.now();
      const lost = recordsLostBetween(lastSequence, record.sequence);
      if (lost > 0 || overrun) {
        options.onGap?.({
          source: 'kmsg',
          ...(lastSequence !== undefined ? { lost } : {}),
          reason: 'the kernel overwrote ring buffer messages before they were read',
          at: Date.now(),
        });
      }
      overrun = false;
      lastSequence = record.sequence;
      if (skipping) continue;
      const notice = lossNoticeOf(record.message);
      if (notice) options.onGap?.({ source: 'kmsg', ...notice, at: Date.now() });
      queue.push(sourceLine(record.line, 'kmsg'));
    }
    const dropped = queue.takeDropped();
    if (dropped > 0) {
      options.onGap?.({
        source: 'kmsg',
        lost: dropped,
        reason: `the reader's queue was full (${queue.capacity} lines not yet taken); newer records dropped`,
        at: Date.now(),
      });
    }
    if (queue.size > 0) wakeConsumer();
    if (result !== 'empty') {
      await nextTurn();
      continue;
    }
    if (skipping) {
      skipping = false;
      options.onReady?.();
    }
    if (!follow) return;
    // While records keep coming, look again soon: at 10,000 records/s the 128 KiB ring holds
    // about 50 ms of them.
    await abortableDelay(Date.now() - lastRecordAt < BUSY_FOR_MS ? BUSY_POLL_MS : pollMs, signal);
  }
}

function readRecord(fd: number, buffer: Buffer): ReadResult {
  try {
    const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
    return bytesRead === 0 ? 'empty' : buffer.toString('utf8', 0, bytesRead);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') return 'empty';
    if (code === 'EPIPE') return 'overrun';
    throw error;
  }
}
