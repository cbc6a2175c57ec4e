import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';

/**
 * Lines of a byte stream; the partial last line is delivered at its end unless
 * `dropPartialLast` (a writer killed mid-line, whose line will be read again).
 */
export async function* streamLines(
  stream: Readable,
  signal?: AbortSignal,
  dropPartialLast = false,
): AsyncGenerator<string> {
  const splitter = new LineSplitter();
  const onAbort = (): void => {
    stream.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      yield* splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted || dropPartialLast) return;
  const partial = splitter.finish();
  if (partial !== undefined) yield partial;
}
