import { deserialize, serialize } from 'node:v8';

/**
 * The suggestion process's pipes carry frames: a 4-byte little-endian length, then the value in
 * V8's serialisation (what a worker's postMessage uses too, so a denial or a suggestion arrives
 * exactly as it left: undefined members, NaN and all).
 */
const LENGTH_BYTES = 4;

export function encodeFrame(value: unknown): Buffer {
  const body = serialize(value);
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, LENGTH_BYTES);
  return frame;
}

/** Collects a pipe's chunks and hands back each value once its frame is whole (chunks may be reused after push). */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): unknown[] {
    let data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const values: unknown[] = [];
    while (data.length >= LENGTH_BYTES) {
      const end = LENGTH_BYTES + data.readUInt32LE(0);
      if (data.length < end) break;
      values.push(deserialize(data.subarray(LENGTH_BYTES, end)));
      data = data.subarray(end);
    }
    // A copy: the caller may read its next chunk into the same buffer.
    this.pending = Buffer.from(data);
    return values;
  }

  /** Bytes of a frame begun but not finished (a pipe that ends here was cut short). */
  get partialBytes(): number {
    return this.pending.length;
  }
}
