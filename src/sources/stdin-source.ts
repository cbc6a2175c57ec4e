import type { Readable } from 'node:stream';
import { sourceLine } from './source-line.js';
import { streamLines } from './stream-lines.js';
import type { LogSource, SourceLine, SourceOptions } from './types.js';

/** Lines piped in, e.g. `journalctl -f | snappy-debug scanlog`; ends when the pipe does. */
export function stdinSource(stream: Readable = process.stdin): LogSource {
  return {
    name: 'stdin',
    description: 'standard input',
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      options.onReady?.();
      for await (const line of streamLines(stream, options.signal)) yield sourceLine(line, 'stdin');
    },
  };
}
