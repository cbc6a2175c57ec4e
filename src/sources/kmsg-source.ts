import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { BoundedQueue } from './kmsg-queue.js';
import { startRingReader, type RingRead } from './kmsg-ring-reader.js';
import { parseKmsgRecord, recordsLostBetween } from './kmsg-record.js';
import { lossNoticeOf } from './loss-notice.js';
import { opening } from './open-error.js';
import { sourceLine } from './source-line.js';
import type { BatchedLogSource, SourceLine, SourceOptions } from './types.js';

export const KMSG = '/dev/kmsg';
/** Records the reader thread reads before handing them over: more than the ring holds (about 500 seccomp records). */
const READS_PER_TURN = 1024;
/** Lines handed over at most in one batch. */
const MAX_BATCH_LINES = 4096;
/** Lines held for a slow consumer (about 300 bytes each) before newer ones are dropped. */
export const KMSG_QUEUE_LINES = 200_000;

/** Poll interval for a while after the last record was read. */
const BUSY_POLL_MS = 2;
const BUSY_FOR_MS = 1000;

export interface KmsgOptions {
  readonly path?: string;
  /** Wait between reads when the ring buffer has nothing new. */
  readonly pollMs?: number;
  /** Lines read but not yet taken by the consumer, at most. */
  readonly queueLines?: number;
}

/**
 * The kernel ring buffer read from /dev/kmsg, one record per read(). A reader thread of its own
 * (startRingReader) drains the ring whatever the main thread is doing, into a bounded queue
 * whatever the consumer's pace, so neither a frame nor a busy consumer lets the kernel overwrite
 * records; what would overflow the queue is dropped and reported as a gap. The descriptor is
 * non-blocking; when the ring is dry the thread waits `pollMs` (2 ms for a second after a record).
 * Records the kernel overwrote before we read them (EPIPE) are reported as a gap, counted from the
 * sequence numbers. Without `all`, what the buffer already holds is skipped.
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

/** What the reader thread has read, a batch per await: every line read so far, up to MAX_BATCH_LINES. */
async function* kmsgLineBatches(
  path: string,
  pollMs: number,
  queueLines: number,
  options: SourceOptions,
): AsyncGenerator<SourceLine[]> {
  const handle = await opening(path, () => open(path, constants.O_RDONLY | constants.O_NONBLOCK));
  const queue = new BoundedQueue<SourceLine>(queueLines);
  const signal = options.signal;
  let wake: (() => void) | undefined;
  const wakeConsumer = (): void => {
    wake?.();
    wake = undefined;
  };
  signal?.addEventListener('abort', wakeConsumer, { once: true });
  let finished = false;
  let failure: unknown;
  const follow = options.follow ?? true;
  const take = recordTaker(queue, options);
  const reader = startRingReader(
    handle.fd,
    { readsPerTurn: READS_PER_TURN, pollMs, busyPollMs: BUSY_POLL_MS, busyForMs: BUSY_FOR_MS, once: !follow },
    (read) => {
      take(read);
      if (queue.size > 0) wakeConsumer();
    },
    (error) => {
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
        continue;
      }
      if (failure !== undefined) throw failure;
      if (finished || signal?.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', wakeConsumer);
    await reader.stop();
    await handle.close();
  }
}

/**
 * The step from what the reader thread read to the queue: records parsed, what the kernel
 * overwrote (EPIPE, or a jump in the sequence numbers) and what the queue could not hold reported
 * as gaps, loss notices as gaps, and without `all` what the ring held at the start skipped.
 */
function recordTaker(queue: BoundedQueue<SourceLine>, options: SourceOptions): (read: RingRead) => void {
  let skipping = !(options.all ?? false);
  let lastSequence: number | undefined;
  let overrun = false;
  if (!skipping) options.onReady?.();
  return ({ records, drained }) => {
    for (const text of records) {
      if (text === '') {
        overrun = true;
        continue;
      }
      const record = parseKmsgRecord(text);
      if (!record) continue;
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
    if (drained && skipping) {
      skipping = false;
      options.onReady?.();
    }
  };
}
