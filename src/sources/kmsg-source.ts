import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { abortableDelay } from './abortable-delay.js';
import { opening } from './open-error.js';
import { parseKmsgRecord, recordsLostBetween } from './kmsg-record.js';
import { sourceLine } from './source-line.js';
import type { LogSource, SourceLine, SourceOptions } from './types.js';

export const KMSG = '/dev/kmsg';
// A record never exceeds ~8 KiB (the kernel's limit for one read is smaller); read() fails
// with EINVAL when the buffer is too small for the next record.
const RECORD_BUFFER = 16 * 1024;

/**
 * The kernel ring buffer read from /dev/kmsg, one record per read(). The descriptor is
 * non-blocking, so no libuv worker sits in read(): on EAGAIN we wait `pollMs` and try again.
 * Records the kernel overwrote before we read them (EPIPE) are reported as a gap, counted from
 * the sequence numbers.
 */
export function kmsgSource(path: string = KMSG, pollMs = 50): LogSource {
  return {
    name: 'kmsg',
    description: `kernel ring buffer (${path})`,
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      const handle = await opening(path, () => open(path, constants.O_RDONLY | constants.O_NONBLOCK));
      const buffer = Buffer.alloc(RECORD_BUFFER);
      let lastSequence: number | undefined;
      let overrun = false;
      const follow = options.follow ?? true;
      let skipping = !(options.all ?? false);
      if (!skipping) options.onReady?.();
      try {
        for (;;) {
          if (options.signal?.aborted) return;
          const text = await readRecord(handle, buffer);
          if (text === 'overrun') {
            overrun = true;
            continue;
          }
          if (text === 'empty') {
            if (skipping) {
              skipping = false;
              options.onReady?.();
            }
            if (!follow) return;
            await abortableDelay(pollMs, options.signal);
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
          if (!skipping) yield sourceLine(record.line, 'kmsg');
        }
      } finally {
        await handle.close();
      }
    },
  };
}

async function readRecord(handle: FileHandle, buffer: Buffer): Promise<string | 'empty' | 'overrun'> {
  try {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    return bytesRead === 0 ? 'empty' : buffer.toString('utf8', 0, bytesRead);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') return 'empty';
    if (code === 'EPIPE') return 'overrun';
    throw error;
  }
}
