import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';

/**
 * The whole lines of a byte stream, a chunk's worth at a time: what streamLines yields one by
 * one, at the cost of one await per chunk instead of one per line (a follower at thousands of
 * lines a second). The partial last line is dropped (its writer died mid-line and it will be
 * read again); an error after `signal` aborted ends the batches quietly.
 */
export async function* streamLineBatches(stream: Readable, signal?: AbortSignal): AsyncGenerator<string[]> {
  const splitter = new LineSplitter();
  const onAbort = (): void => {
    stream.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      const lines = splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      if (lines.length > 0) yield lines;
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
