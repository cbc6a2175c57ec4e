import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/sources/line-splitter.js';

function splitAll(chunks: readonly Buffer[]): string[] {
  const splitter = new LineSplitter();
  const lines = chunks.flatMap((chunk) => splitter.push(chunk));
  const partial = splitter.finish();
  return partial === undefined ? lines : [...lines, partial];
}

describe('LineSplitter', () => {
  it('splits on \\n, drops the \\r of \\r\\n, keeps empty lines, delivers the partial last line', () => {
    expect(splitAll([Buffer.from('a\r\n\nb\nc')])).toEqual(['a', '', 'b', 'c']);
    expect(splitAll([Buffer.from('a\n')])).toEqual(['a']);
    expect(splitAll([])).toEqual([]);
  });

  it('keeps a multi-byte character split across chunks, and invalid UTF-8 becomes U+FFFD', () => {
    const euro = Buffer.from('€\n');
    expect(splitAll([euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2)])).toEqual(['€']);
    expect(splitAll([Buffer.from([0x61, 0xc3, 0x28, 0x0a])])).toEqual(['a\ufffd(']);
  });

  it('keeps a line of several MiB arriving in small chunks whole', () => {
    const line = 'y'.repeat(2 * 1024 * 1024 + 3);
    const bytes = Buffer.from(`${line}\nnext\n`);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 65536) chunks.push(bytes.subarray(at, at + 65536));
    expect(splitAll(chunks).map((l) => l.length)).toEqual([line.length, 4]);
  });

  it('gives the same lines however the bytes are chunked', () => {
    // Bytes, not text: newlines, \r and broken UTF-8 sequences land anywhere.
    const byte = fc.oneof(
      fc.constantFrom(0x0a, 0x0d, 0xe2, 0x82, 0xac, 0xff),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 300 }),
        fc.array(fc.nat(64), { maxLength: 20 }),
        (values, cuts) => {
          const bytes = Buffer.from(values);
          const chunks: Buffer[] = [];
          let at = 0;
          for (const cut of cuts) {
            chunks.push(bytes.subarray(at, at + cut));
            at += cut;
          }
          chunks.push(bytes.subarray(at));
          expect(splitAll(chunks)).toEqual(splitAll([bytes]));
        },
      ),
    );
  });
});
