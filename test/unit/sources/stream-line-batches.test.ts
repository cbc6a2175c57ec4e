import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamLineBatches } from '../../../src/sources/stream-line-batches.js';
import { streamLines } from '../../../src/sources/stream-lines.js';

/** `bytes` cut into chunks at the given points (multi-byte characters may be split). */
function chunked(bytes: Buffer, cuts: readonly number[]): Readable {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) chunks.push(bytes.subarray(from, point));
    from = Math.max(from, point);
  }
  return Readable.from(chunks);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('streamLineBatches', () => {
  it('gives the lines streamLines gives (partial last dropped), whatever the chunking', async () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'é', '€', '😀', '\n', '\r\n', '\r', '"', '{', ' '),
      maxLength: 200,
    });
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 12 }), async (content, cuts) => {
        const bytes = Buffer.from(content);
        const expected = await collect(streamLines(chunked(bytes, cuts), undefined, true));
        const batches = await collect(streamLineBatches(chunked(bytes, cuts)));
        expect(batches.every((batch) => batch.length > 0)).toBe(true);
        expect(batches.flat()).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('gives a chunk of many lines as one batch', async () => {
    const batches = await collect(streamLineBatches(Readable.from([Buffer.from('a\nb\nc\nd')])));
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('ends quietly when aborted, and throws a stream error otherwise', async () => {
    const abort = new AbortController();
    const endless = new Readable({ read() {} });
    endless.push('one\n');
    const seen: string[][] = [];
    for await (const batch of streamLineBatches(endless, abort.signal)) {
      seen.push(batch);
      abort.abort();
    }
    expect(seen).toEqual([['one']]);
    const failing = new Readable({
      read() {
        this.destroy(new Error('pipe broke'));
      },
    });
    await expect(collect(streamLineBatches(failing))).rejects.toThrow('pipe broke');
  });
});
