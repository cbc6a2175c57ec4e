import { writeSync, writevSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { ByteBatch } from './byte-batch.js';

/** Output is gathered up to this many bytes, then written with one system call or a few. */
const BATCH = 1 << 20;
/** Pieces one writev takes at most (IOV_MAX on Linux). */
const MAX_PIECES = 1024;

/**
 * Writes a command's output to its stream's file descriptor directly, in large batches: a saved
 * file's 35 MB of JSON lines in some 35 writes instead of 540 trips through a stream (its
 * buffering, callbacks and per-write encoding). Bytes made elsewhere (the native scan's rendered
 * lines) are not copied into the batch: they are written where they are, beside it, by writev.
 * Whatever the descriptor refuses for the moment (EAGAIN on a non-blocking pipe) or at all
 * (EPIPE after `| head`) is handed to the stream instead, which then waits or reports the error
 * as it always did (main.ts ends quietly on EPIPE); the next batch waits until the stream has
 * written it, so the order is kept.
 */
export class FdWriter {
  /** Where output is gathered: append to it, then call flushIfFull(). */
  readonly batch = new ByteBatch(BATCH * 2);
  /** What goes out before the batch's bytes since its last cut: its earlier cuts and others' bytes. */
  private pieces: Uint8Array[] = [];
  private piecesBytes = 0;
  /** afterWrite()'s callbacks, run by the next flush. */
  private written: (() => void)[] = [];

  constructor(
    private readonly fd: number,
    private readonly stream: Writable,
  ) {}

  /** A promise only when the caller must wait before writing more (the stream is draining). */
  write(text: string): Promise<void> | undefined {
    this.batch.text(text);
    return this.flushIfFull();
  }

  /** Bytes made elsewhere, written as they are: they must not change until the next flush. */
  writeBytes(bytes: Uint8Array): Promise<void> | undefined {
    this.addBytes(bytes);
    return this.flushIfPiled();
  }

  /**
   * writeBytes() without its check for a flush, for a series of pieces (a rendered run's heads
   * and tails) followed by one flushIfPiled(). They may pile up past one writev's worth: flush()
   * writes them MAX_PIECES at a time.
   */
  addBytes(bytes: Uint8Array): void {
    if (this.batch.length > 0) this.addPiece(this.batch.cut());
    this.addPiece(bytes);
  }

  /** The check writeBytes() makes after its piece, once after a series of addBytes(). */
  flushIfPiled(): Promise<void> | undefined {
    return this.pieces.length >= MAX_PIECES - 1 ? this.flush() : this.flushIfFull();
  }

  /**
   * Calls `callback` once everything given so far is written (or copied, for the stream): from
   * then on the bytes given to writeBytes may change. At once when none are waiting.
   */
  afterWrite(callback: () => void): void {
    if (this.pieces.length === 0) callback();
    else this.written.push(callback);
  }

  flushIfFull(): Promise<void> | undefined {
    return this.piecesBytes + this.batch.length >= BATCH ? this.flush() : undefined;
  }

  /** Writes what is gathered; a promise when part of it went through the stream. */
  flush(): Promise<void> | undefined {
    if (this.batch.length > 0) this.addPiece(this.batch.cut());
    let pieces = this.pieces;
    this.pieces = [];
    this.piecesBytes = 0;
    try {
      while (pieces.length > 0) {
        let written: number;
        try {
          written =
            pieces.length === 1
              ? writeSync(this.fd, pieces[0]!, 0, pieces[0]!.length)
              : writevSync(this.fd, pieces.slice(0, MAX_PIECES));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EAGAIN' && code !== 'EPIPE') throw error;
          // A copy: the batch's buffer is written into again before the stream is done with it.
          return this.throughStream(Buffer.concat(pieces));
        }
        pieces = unwritten(pieces, written);
      }
      return undefined;
    } finally {
      this.batch.reset();
      if (this.written.length > 0) {
        const callbacks = this.written;
        this.written = [];
        for (const callback of callbacks) callback();
      }
    }
  }

  private addPiece(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.pieces.push(piece);
    this.piecesBytes += piece.length;
  }

  private throughStream(rest: Buffer): Promise<void> {
    return new Promise((resolve) => {
      this.stream.write(rest, () => resolve());
    });
  }
}

/** The pieces, or their parts, after the first `written` bytes. */
function unwritten(pieces: readonly Uint8Array[], written: number): Uint8Array[] {
  let first = 0;
  while (first < pieces.length && written >= pieces[first]!.length) written -= pieces[first++]!.length;
  const rest = pieces.slice(first);
  if (written > 0) rest[0] = rest[0]!.subarray(written);
  return rest;
}

/** The descriptor behind a command's output stream (process.stdout's is 1), when it has one. */
export function fdOf(stream: Writable): number | undefined {
  const fd = (stream as { fd?: unknown }).fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}
