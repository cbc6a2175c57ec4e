import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { followFile } from './file-follower.js';
import { lossNoticeOf } from './loss-notice.js';
import { cannotRead, opening } from './open-error.js';
import { sourceLine } from './source-line.js';
import { streamLines } from './stream-lines.js';
import type { LogSource, SourceLine, SourceOptions } from './types.js';

/**
 * A saved log (--file PATH), read from its start. Plain files are followed when asked;
 * PATH.gz is decompressed and never followed.
 */
export function fileSource(path: string): LogSource {
  const gzipped = path.endsWith('.gz');
  return {
    name: 'file',
    description: `file ${path}`,
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      if (gzipped) {
        const input = createReadStream(path);
        const opened = new Promise<void>((resolve, reject) => {
          input.once('open', () => resolve());
          input.once('error', reject);
        });
        await opening(path, () => opened);
        options.onReady?.();
        const gunzip = input.pipe(createGunzip());
        input.once('error', (error) => gunzip.destroy(error));
        try {
          for await (const line of streamLines(gunzip, options.signal)) yield sourceLine(line, 'file');
        } catch (error) {
          throw cannotRead(path, error);
        }
        return;
      }
      const lines = followFile(path, {
        fromStart: true,
        follow: options.follow ?? false,
        signal: options.signal,
        onReady: options.onReady,
        onNotice: options.onNotice,
        onLoss: (reason) => options.onGap?.({ source: 'file', reason, at: Date.now() }),
      });
      for await (const line of lines) {
        // The log itself says when its writer dropped messages (rsyslog, journald, the kernel).
        const notice = lossNoticeOf(line);
        if (notice) options.onGap?.({ source: 'file', ...notice, at: Date.now() });
        yield sourceLine(line, 'file');
      }
    },
  };
}
