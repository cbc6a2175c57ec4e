import { constants, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { abortableDelay } from './abortable-delay.js';
import { parseKmsgRecord, recordsLostBetween } from './kmsg-record.js';
import { lossNoticeOf } from './loss-notice.js';
import { opening } from './open-error.js';
import { sourceLine } from './source-line.js';
import type { LogSource, SourceLine, SourceOptions } from './types.js';

export const KMSG = '/dev/kmsg';
// read() fails with EINVAL when the buffer is too small for the next record; records are
// limited to about 8 KiB by the kernel.
const RECORD_BUFFER = 16 * 1024;
/** Records read in one go before letting the event loop run. */
const BATCH = 256;

type ReadResult = string | 'empty' | 'overrun';

/**
 * The kernel ring buffer read from /dev/kmsg, one record per read(). The descriptor is
 * non-blocking, so each read() returns at once: they are made synchronously, in batches, with
 * no libuv worker ever parked in read(); on EAGAIN we wait `pollMs` and try again. Records the
 * kernel overwrote before we read them (EPIPE) are reported as a gap, counted from the
 * sequence numbers. Without `all`, what the buffer already holds is read and skipped.
 */
export function kmsgSource(path: string = KMSG, pollMs = 50): LogSource {
  return {
    name: 'kmsg',
    description: `kernel ring buffer (${path})`,
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      const handle = await opening(path, () => open(path, constants.O_RDONLY | constants.O_NONBLOCK));
      const fd = handle.fd;
      const buffer = Buffer.alloc(RECORD_BUFFER);
      const follow = options.follow ?? true;
      let skipping = !(options.all ?? false);
      let lastSequence: number | undefined;
      let overrun = false;
      if (!skipping) options.onReady?.();
      try {
        for (;;) {
          if (options.signal?.aborted) return;
          const batch: SourceLine[] = [];
          let result: ReadResult = 'empty';
          for (let i = 0; i < BATCH; i++) {
            result = readRecord(fd, buffer);
            if (result === 'empty') break;
            if (result === 'overrun') {
              overrun = true;
              continue;
            }
            const record = parseKmsgRecord(result);
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
            batch.push(sourceLine(record.line, 'kmsg'));
          }
          yield* batch;
          if (result !== 'empty') {
            await nextTurn();
            continue;
          }
          if (skipping) {
            skipping = false;
            options.onReady?.();
          }
          if (!follow) return;
          await abortableDelay(pollMs, options.signal);
        }
      } finally {
        await handle.close();
      }
    },
  };
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
