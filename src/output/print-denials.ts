import type { Denial } from '../model/denial.js';
import type { CommandIO } from '../commands/types.js';
import { ChunkEnd, RenderedHead, RenderedRun, suggestionsTailBytes, viewOf } from '../scan/repeat-lane.js';
import { FdWriter, fdOf } from './fd-writer.js';
import { appendJsonLine, formatJsonLine } from './json.js';
import { formatBlock } from './text.js';

/**
 * Writes text in batches: everything produced before the scan next waits for input goes out
 * in one write (a saved file's 20,000 denials are a few writes, a live denial is written at once).
 */
class BatchedWriter {
  private pending = '';
  private scheduled = false;

  constructor(private readonly stream: CommandIO['stdout']) {}

  write(text: string): void {
    this.pending += text;
    if (this.pending.length > 1 << 16) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    this.stream.write(this.pending);
    this.pending = '';
  }
}

/** A denial, or the JSON line of one, or the bytes of such lines (see ThreadedItem). */
export type Printable = Denial | string | Uint8Array | RenderedHead | RenderedRun | ChunkEnd;

const isBatch = (item: Printable | readonly Printable[]): item is readonly Printable[] => Array.isArray(item);

function writeBytes(out: FdWriter | BatchedWriter, bytes: Uint8Array): Promise<void> | undefined {
  if (out instanceof FdWriter) return out.writeBytes(bytes);
  out.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  return undefined;
}

/** A rendered run as the loop in printDenials writes it, with one check for a flush at its end. */
function writeRun(out: FdWriter, run: RenderedRun): Promise<void> | undefined {
  const { bytes, headEnds, slots } = run;
  let from = run.start;
  for (let h = 0; h < headEnds.length; h++) {
    const headEnd = headEnds[h]!;
    out.addBytes(viewOf(bytes, from, headEnd));
    out.addBytes(suggestionsTailBytes(slots[h]!.suggestions!));
    from = headEnd;
  }
  if (run.end > from) out.addBytes(viewOf(bytes, from, run.end));
  return out.flushIfPiled();
}

/** A saved file's replay (`bulk`) goes straight to stdout's descriptor in large writes. */
export async function printDenials(
  stream: AsyncIterable<Printable | readonly Printable[]>,
  json: boolean,
  io: CommandIO,
  bulk: boolean,
): Promise<void> {
  const fd = bulk ? fdOf(io.stdout) : undefined;
  const out = fd === undefined ? new BatchedWriter(io.stdout) : new FdWriter(fd, io.stdout);
  let first = true;
  for await (const item of stream) {
    const batch = isBatch(item) ? item : [item];
    // Indexed: a for-of made an iterator result per line until the loop was optimised.
    for (let i = 0; i < batch.length; i++) {
      const denial = batch[i]!;
      let wait: Promise<void> | undefined | void;
      if (typeof denial === 'string') {
        wait = out.write(denial);
      } else if (denial instanceof Uint8Array) {
        wait = writeBytes(out, denial);
      } else if (denial instanceof RenderedRun && out instanceof FdWriter) {
        wait = writeRun(out, denial);
      } else if (denial instanceof RenderedRun) {
        // Each head with its tail after it (its slots are all answered), then the bytes after the last.
        const { bytes, headEnds, slots } = denial;
        let from = denial.start;
        for (let h = 0; h < headEnds.length; h++) {
          const headEnd = headEnds[h]!;
          wait = writeBytes(out, viewOf(bytes, from, headEnd));
          if (wait) await wait;
          wait = writeBytes(out, suggestionsTailBytes(slots[h]!.suggestions!));
          if (wait) await wait;
          from = headEnd;
        }
        wait = denial.end > from ? writeBytes(out, viewOf(bytes, from, denial.end)) : undefined;
      } else if (denial instanceof ChunkEnd) {
        // The writer of text copies bytes as it takes them.
        if (out instanceof FdWriter) out.afterWrite(denial.release);
        else denial.release();
      } else if (denial instanceof RenderedHead) {
        const head = denial.head;
        if (typeof head !== 'string' && out instanceof FdWriter) {
          out.addBytes(head);
          out.addBytes(denial.tail!);
          wait = out.flushIfPiled();
          if (wait) await wait;
          continue;
        }
        wait = typeof head === 'string' ? out.write(head) : writeBytes(out, head);
        if (wait) await wait;
        wait = writeBytes(out, denial.tail!);
      } else if (json && out instanceof FdWriter) {
        appendJsonLine(denial, out.batch);
        wait = out.flushIfFull();
      } else if (json) {
        wait = out.write(formatJsonLine(denial));
      } else {
        wait = out.write(`${first ? '' : '\n'}${formatBlock(denial)}\n`);
        first = false;
      }
      if (wait) await wait;
    }
  }
  await out.flush();
}
