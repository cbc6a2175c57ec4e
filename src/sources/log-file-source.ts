import type { SourceName } from '../model/denial.js';
import { followFileBatches } from './file-follower.js';
import { lossNoticeOf } from './loss-notice.js';
import type { BatchedLogSource, SourceLine, SourceOptions } from './types.js';

/** A log file written by a daemon (rsyslog, auditd), followed through rotations, a read at a time. */
export function logFileSource(path: string, name: SourceName, description: string): BatchedLogSource {
  const lineBatches = async function* (options: SourceOptions): AsyncGenerator<SourceLine[]> {
    const batches = followFileBatches(path, {
      fromStart: options.all ?? false,
      follow: options.follow ?? true,
      signal: options.signal,
      onReady: options.onReady,
      onNotice: options.onNotice,
      onLoss: (reason) => options.onGap?.({ source: name, reason, at: Date.now() }),
    });
    for await (const lines of batches) {
      const receivedAt = Date.now();
      const batch: SourceLine[] = [];
      for (const line of lines) {
        const notice = lossNoticeOf(line);
        if (notice) options.onGap?.({ source: name, ...notice, at: Date.now() });
        batch.push({ line, source: name, receivedAt });
      }
      yield batch;
    }
  };
  return {
    name,
    description,
    lineBatches,
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      for await (const batch of lineBatches(options)) yield* batch;
    },
  };
}
