import type { SourceName } from '../model/denial.js';
import { followFile } from './file-follower.js';
import { lossNoticeOf } from './loss-notice.js';
import { sourceLine } from './source-line.js';
import type { LogSource, SourceLine, SourceOptions } from './types.js';

/** A log file written by a daemon (rsyslog, auditd), followed through rotations. */
export function logFileSource(path: string, name: SourceName, description: string): LogSource {
  return {
    name,
    description,
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      const lines = followFile(path, {
        fromStart: options.all ?? false,
        follow: options.follow ?? true,
        signal: options.signal,
        onReady: options.onReady,
        onNotice: options.onNotice,
        onLoss: (reason) => options.onGap?.({ source: name, reason, at: Date.now() }),
      });
      for await (const line of lines) {
        const notice = lossNoticeOf(line);
        if (notice) options.onGap?.({ source: name, ...notice, at: Date.now() });
        yield sourceLine(line, name);
      }
    },
  };
}
