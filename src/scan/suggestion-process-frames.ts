import { DefaultSerializer, deserialize } from 'node:v8';

/**
 * The suggestion process's pipes carry frames: a 4-byte little-endian length, then the value in
 * V8's serialisation (what a worker's postMessage uses too, so a denial or a suggestion arrives
 * exactly as it left: undefined members, NaN and all).
 */
const LENGTH_BYTES = 4;
const LENGTH_PLACEHOLDER = Buffer.alloc(LENGTH_BYTES);

/**
 * The value's frame. The serialiser writes the length's room first and the length goes in once
 * the value is written: the frame is the serialiser's own buffer, not a copy of v8.serialize()'s
 * (whose bytes follow the length unchanged).
 */
export function encodeFrame(value: unknown): Buffer {
  const serializer = new DefaultSerializer();
  serializer.writeRawBytes(LENGTH_PLACEHOLDER);
  serializer.writeHeader();
  serializer.writeValue(value);
  const frame = serializer.releaseBuffer();
  frame.writeUInt32LE(frame.length - LENGTH_BYTES, 0);
  return frame;
}

/** Collects a pipe's chunks and hands back each value once its frame is whole. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /**
   * @param chunksReused whether the caller may read its next chunk into the buffer of one it
   * pushed (a blocking reader's one buffer): then a frame begun in a chunk is kept as a copy.
   * A stream's chunks are each its own memory, and a view of it is kept instead.
   */
  constructor(private readonly chunksReused = true) {}

  push(chunk: Buffer): unknown[] {
    // A concatenation is memory of its own; the chunk itself may be the caller's to reuse.
    const inChunk = this.pending.length === 0;
    let data = inChunk ? chunk : Buffer.concat([this.pending, chunk]);
    const values: unknown[] = [];
    while (data.length >= LENGTH_BYTES) {
      const end = LENGTH_BYTES + data.readUInt32LE(0);
      if (data.length < end) break;
      values.push(deserialize(data.subarray(LENGTH_BYTES, end)));
      data = data.subarray(end);
    }
    this.pending = inChunk && this.chunksReused && data.length > 0 ? Buffer.from(data) : data;
    return values;
  }

  /** Bytes of a frame begun but not finished (a pipe that ends here was cut short). */
  get partialBytes(): number {
    return this.pending.length;
  }
}
