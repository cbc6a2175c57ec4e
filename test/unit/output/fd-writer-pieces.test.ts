// FdWriter writes bytes made elsewhere (the native scan's rendered JSON lines) where they are,
// beside its own batch, with writev: the output must still be everything, in order, whatever
// the mix of text, batch appends and such bytes, and whatever the descriptor refuses.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FdWriter } from '../../../src/output/fd-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'fd-writer-pieces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Step =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'batch'; readonly text: string }
  | { readonly kind: 'bytes'; readonly text: string; readonly offset: number; readonly spoil?: boolean }
  /** Pieces given with addBytes() one after the other, then one flushIfPiled(). */
  | { readonly kind: 'series'; readonly texts: readonly string[] };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), text: fc.string({ unit: 'grapheme', maxLength: 300 }) }),
  fc.record({ kind: fc.constant('batch' as const), text: fc.string({ maxLength: 3000 }) }),
  fc.record({
    kind: fc.constant('bytes' as const),
    text: fc.oneof(fc.string({ maxLength: 2000 }), fc.constant('x'.repeat(300_000))),
    offset: fc.nat(8),
    spoil: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('series' as const),
    texts: fc.oneof(
      fc.array(fc.string({ maxLength: 200 }), { maxLength: 40 }),
      // More pieces than one writev takes (IOV_MAX, 1024).
      fc.constant(Array.from({ length: 2500 }, (_, i) => `piece ${i}\n`)),
    ),
  }),
);

/**
 * Runs the steps through a writer on `fd`; what they wrote, as the writer was given it. Bytes to
 * `spoil` are overwritten as soon as the writer says they are written (afterWrite).
 */
async function run(writer: FdWriter, steps: readonly Step[]): Promise<Buffer> {
  const expected: Buffer[] = [];
  let spoilt = 0;
  let spoiling = 0;
  for (const s of steps) {
    let wait: Promise<void> | undefined;
    if (s.kind === 'series') {
      // Views into one larger buffer, as a rendered run's heads are.
      const whole = Buffer.from(s.texts.join(''));
      let from = 0;
      for (const text of s.texts) {
        const length = Buffer.byteLength(text);
        writer.addBytes(whole.subarray(from, from + length));
        from += length;
      }
      wait = writer.flushIfPiled();
      expected.push(whole);
      if (wait) await wait;
      continue;
    }
    if (s.kind === 'text') wait = writer.write(s.text);
    else if (s.kind === 'batch') {
      writer.batch.text(s.text);
      wait = writer.flushIfFull();
    } else {
      // A view into a larger buffer, as the native scan's lines are.
      const whole = Buffer.concat([Buffer.alloc(s.offset, '!'), Buffer.from(s.text)]);
      wait = writer.writeBytes(whole.subarray(s.offset));
      if (s.spoil) {
        spoiling++;
        writer.afterWrite(() => {
          whole.fill(0x3f);
          spoilt++;
        });
      }
    }
    expected.push(Buffer.from(s.text));
    if (wait) await wait;
  }
  const last = writer.flush();
  if (last) await last;
  expect(spoilt).toBe(spoiling);
  return Buffer.concat(expected);
}

describe('FdWriter with bytes written where they are', () => {
  it('writes text, batch appends and bytes in order (file)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 3000 }), async (steps) => {
        const path = join(dir, 'out');
        const fd = openSync(path, 'w');
        const stream = new PassThrough();
        const expected = await run(new FdWriter(fd, stream), steps);
        closeSync(fd);
        expect(readFileSync(path).equals(expected)).toBe(true);
        expect(stream.read()).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it('hands what a full non-blocking pipe refuses to the stream, in order', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const stream = new PassThrough();
    const throughStream: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => throughStream.push(chunk));
    const steps: Step[] = Array.from({ length: 3000 }, (_, i) =>
      i % 3 === 0
        ? { kind: 'bytes', text: `bytes ${i} ${'b'.repeat(i % 97)}\n`, offset: i % 5, spoil: i % 2 === 0 }
        : i % 100 === 1
          ? { kind: 'series', texts: Array.from({ length: 1500 }, (_, j) => `series ${i} ${j}\n`) }
          : { kind: i % 3 === 1 ? 'text' : 'batch', text: `text ${i}\n` },
    );
    const expected = await run(new FdWriter(fd, stream), steps);
    const inPipe = Buffer.alloc(expected.length);
    const inPipeLength = readSync(fd, inPipe);
    closeSync(fd);
    expect(inPipeLength).toBeGreaterThan(0);
    expect(Buffer.concat([inPipe.subarray(0, inPipeLength), ...throughStream]).equals(expected)).toBe(true);
  });
});
