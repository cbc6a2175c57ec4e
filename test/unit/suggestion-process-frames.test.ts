import fc from 'fast-check';
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader } from '../../src/scan/suggestion-process-frames.js';

// The suggestion process's pipes carry length-prefixed frames of V8-serialised values: whatever
// sizes the pipe's chunks come in, each value comes out once, whole and in order, as a worker's
// postMessage would deliver it (undefined members and NaN included).

const denialLike = fc.record(
  {
    kind: fc.constantFrom('apparmor', 'seccomp', 'cgroup'),
    path: fc.string(),
    error: fc.oneof(fc.integer(), fc.constant(Number.NaN)),
    label: fc.option(fc.string(), { nil: undefined }),
    syscall: fc.record({ number: fc.integer(), auditArch: fc.string() }, { noNullPrototype: true }),
  },
  { requiredKeys: ['kind'], noNullPrototype: true },
);

/** `bytes` cut at `cuts` (positions, any order, repeats allowed). */
function chunked(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const end of [...at, bytes.length]) {
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

describe('suggestion process frames', () => {
  it('give back every value whole and in order, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ ids: fc.array(fc.nat()), denials: fc.array(denialLike) }, { noNullPrototype: true }),
          {
            maxLength: 6,
          },
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        (values, cuts) => {
          const bytes = Buffer.concat(values.map(encodeFrame));
          const reader = new FrameReader();
          const read = chunked(bytes, cuts).flatMap((chunk) => reader.push(chunk));
          expect(read).toStrictEqual(values);
          expect(reader.partialBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are the length and then exactly what v8.serialize() makes of the value', () => {
    fc.assert(
      fc.property(
        fc.record({ ids: fc.array(fc.nat()), denials: fc.array(denialLike) }, { noNullPrototype: true }),
        (value) => {
          const body = serialize(value);
          const length = Buffer.alloc(4);
          length.writeUInt32LE(body.length, 0);
          expect(encodeFrame(value)).toStrictEqual(Buffer.concat([length, body]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('read a stream whose chunks are never reused (kept as views) the same as copied ones', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ ids: fc.array(fc.nat()), denials: fc.array(denialLike) }, { noNullPrototype: true }),
          { maxLength: 6 },
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        (values, cuts) => {
          const chunks = chunked(Buffer.concat(values.map(encodeFrame)), cuts);
          const viewing = new FrameReader(false);
          const copying = new FrameReader();
          expect(chunks.flatMap((chunk) => viewing.push(chunk))).toStrictEqual(values);
          expect(chunks.flatMap((chunk) => copying.push(chunk))).toStrictEqual(values);
          expect(viewing.partialBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keep what was read even when the caller reuses its chunk buffer', () => {
    const values = [{ ids: [1, 2], denials: [{ kind: 'seccomp', path: 'x'.repeat(300) }] }, { ready: true }];
    const bytes = Buffer.concat(values.map(encodeFrame));
    const reader = new FrameReader();
    const buffer = Buffer.alloc(7);
    const read: unknown[] = [];
    for (let start = 0; start < bytes.length; start += buffer.length) {
      const length = bytes.copy(buffer, 0, start, start + buffer.length);
      read.push(...reader.push(buffer.subarray(0, length)));
      buffer.fill(0xee);
    }
    expect(read).toStrictEqual(values);
  });

  it('say how much of a frame a pipe that ended left unread', () => {
    const frame = encodeFrame({ ids: [7] });
    const reader = new FrameReader();
    expect(reader.push(frame.subarray(0, frame.length - 1))).toStrictEqual([]);
    expect(reader.partialBytes).toBe(frame.length - 1);
  });
});
