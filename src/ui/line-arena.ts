import { packLine, unpackLine } from './line-packing.js';

/**
 * The newest log line of every group, as UTF-8 in buffers outside the JavaScript heap. A group
 * takes a new line with nearly every event; kept as a string, each line would outlive the young
 * generation and be promoted before its replacement made it garbage, so loading a million events
 * would fill the old generation with a million dead lines. Here a line is copied into its group's
 * slot and the string dies young.
 *
 * The buffers are chunks of one size that are never copied to grow: a buffer doubled and copied
 * leaves its old copies to the C allocator, whose freed blocks stay resident.
 */

const CHUNK_BYTES = 1 << 20;
/** Longer lines (64 KiB values) stay strings: a slot never spans chunks. */
const MAX_LINE_BYTES = CHUNK_BYTES >> 4;
/** Room for the UTF-8 of any text of up to MAX_LINE_BYTES characters (3 bytes per UTF-16 unit at most). */
const SCRATCH_BYTES = MAX_LINE_BYTES * 3;
const INITIAL_SLOTS = 1024;
/** Room left in a slot for the next line of the group being a little longer (pids, serials). */
const SLACK_BYTES = 16;
/** Abandoned slot bytes that make a compaction worth it, when they also outweigh the live ones. */
const COMPACT_AFTER_BYTES = 4 * CHUNK_BYTES;

/** A line's UTF-8, unpacked. */
const unpacked = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
/** A line's head, packed (never longer than unpacked). */
const packed = Buffer.allocUnsafeSlow(SCRATCH_BYTES);

interface HeapLine {
  readonly raw: string;
  readonly log: string;
}

/**
 * The raw line and its log text per slot (a group ordinal), each read back as the same string.
 * A slot holds the head (the raw line before its log text, or all of it when the log text is not
 * its tail) packed (see line-packing.ts), then the log text's UTF-8 as it is: the filter reads
 * every group's log text, and decoding it stays one call; only the detail pane unpacks a head.
 */
export class LineArena {
  private chunks: Buffer[] = [];
  /** Bytes handed out in the last chunk. */
  private filled = CHUNK_BYTES;
  private live = 0;
  /** Bytes of slots left behind when a longer line moved its group to a new slot. */
  private abandoned = 0;
  private slots = 0;
  private chunk = new Uint32Array(INITIAL_SLOTS);
  private start = new Uint32Array(INITIAL_SLOTS);
  private capacity = new Uint32Array(INITIAL_SLOTS);
  /** Bytes in the slot: the head packed, then the log text's UTF-8 as it is. */
  private length = new Uint32Array(INITIAL_SLOTS);
  /** Packed bytes of the head: the raw line before its log text, or the whole raw line. */
  private head = new Uint32Array(INITIAL_SLOTS);
  /** 1 when the log text is the raw line's tail (the head is the rest of the raw line). */
  private logIsTail = new Uint8Array(INITIAL_SLOTS);
  /** Lines UTF-8 cannot carry (unpaired surrogates) or too long for a chunk: kept as strings. */
  private readonly onHeap = new Map<number, HeapLine>();

  /** Keeps `raw` and `log` as slot `slot`'s line, replacing what it held. */
  put(slot: number, raw: string, log: string): void {
    this.ensureSlot(slot);
    const logIsTail = log.length <= raw.length && raw.endsWith(log);
    const chars = logIsTail ? raw.length : raw.length + log.length;
    // A tail that starts inside a surrogate pair is not well-formed on its own: kept as strings too.
    if (chars > MAX_LINE_BYTES || !isWellFormed(raw) || !isWellFormed(log)) {
      this.keepOnHeap(slot, raw, log);
      return;
    }
    const rawBytes = unpacked.write(raw, 0, 'utf8');
    const logBytes = logIsTail ? Buffer.byteLength(log, 'utf8') : unpacked.write(log, rawBytes, 'utf8');
    const headBytes = logIsTail ? rawBytes - logBytes : rawBytes;
    if (headBytes + logBytes > MAX_LINE_BYTES) {
      this.keepOnHeap(slot, raw, log);
      return;
    }
    const head = packLine(unpacked, headBytes, packed);
    const length = head + logBytes;
    if (this.onHeap.size > 0) this.onHeap.delete(slot);
    if (length > this.capacity[slot]! || this.capacity[slot] === 0) {
      this.release(slot);
      this.allocate(slot, length + SLACK_BYTES);
    }
    const into = this.chunks[this.chunk[slot]!]!;
    const start = this.start[slot]!;
    packed.copy(into, start, 0, head);
    unpacked.copy(into, start + head, headBytes, headBytes + logBytes);
    this.length[slot] = length;
    this.head[slot] = head;
    this.logIsTail[slot] = logIsTail ? 1 : 0;
  }

  private keepOnHeap(slot: number, raw: string, log: string): void {
    this.release(slot);
    this.onHeap.set(slot, { raw, log });
  }

  /** The raw line last put in `slot`. */
  raw(slot: number): string {
    const heap = this.onHeap.get(slot);
    if (heap) return heap.raw;
    const from = this.chunks[this.chunk[slot]!]!;
    const start = this.start[slot]!;
    const logStart = start + this.head[slot]!;
    const headBytes = unpackLine(from, start, logStart, unpacked);
    if (this.logIsTail[slot] === 0) return unpacked.toString('utf8', 0, headBytes);
    const end = start + this.length[slot]!;
    from.copy(unpacked, headBytes, logStart, end);
    return unpacked.toString('utf8', 0, headBytes + end - logStart);
  }

  /** The log text last put in `slot`. */
  log(slot: number): string {
    const heap = this.onHeap.get(slot);
    if (heap) return heap.log;
    const start = this.start[slot]!;
    return this.chunks[this.chunk[slot]!]!.toString(
      'utf8',
      start + this.head[slot]!,
      start + this.length[slot]!,
    );
  }

  /** Bytes of slots in use, and bytes of the chunks holding them. */
  get footprint(): { readonly used: number; readonly allocated: number } {
    return { used: this.live, allocated: this.chunks.length * CHUNK_BYTES };
  }

  private ensureSlot(slot: number): void {
    if (slot < this.slots) return;
    if (slot >= this.start.length) {
      const size = Math.max(slot + 1, this.start.length * 2);
      this.chunk = grown(this.chunk, size);
      this.start = grown(this.start, size);
      this.capacity = grown(this.capacity, size);
      this.length = grown(this.length, size);
      this.head = grown(this.head, size);
      this.logIsTail = grownBytes(this.logIsTail, size);
    }
    this.slots = slot + 1;
  }

  private release(slot: number): void {
    const capacity = this.capacity[slot]!;
    this.abandoned += capacity;
    this.live -= capacity;
    this.capacity[slot] = 0;
    this.length[slot] = 0;
  }

  /** Gives `slot` a new place of `capacity` bytes after the last one handed out. */
  private allocate(slot: number, capacity: number): void {
    if (this.abandoned > COMPACT_AFTER_BYTES && this.abandoned > this.live) this.compact();
    if (this.filled + capacity > CHUNK_BYTES) {
      this.chunks.push(Buffer.allocUnsafeSlow(CHUNK_BYTES));
      this.filled = 0;
    }
    this.chunk[slot] = this.chunks.length - 1;
    this.start[slot] = this.filled;
    this.capacity[slot] = capacity;
    this.filled += capacity;
    this.live += capacity;
  }

  /** Copies the live slots into new chunks, leaving the abandoned ones behind. */
  private compact(): void {
    const old = this.chunks;
    this.chunks = [];
    this.filled = CHUNK_BYTES;
    this.live = 0;
    this.abandoned = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const capacity = this.capacity[slot]!;
      if (capacity === 0) continue;
      const from = old[this.chunk[slot]!]!;
      const start = this.start[slot]!;
      this.allocate(slot, capacity);
      from.copy(this.chunks[this.chunk[slot]!]!, this.start[slot], start, start + this.length[slot]!);
    }
  }
}

function grownBytes(from: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const to = new Uint8Array(size);
  to.set(from);
  return to;
}

function grown(from: Uint32Array, size: number): Uint32Array<ArrayBuffer> {
  const to = new Uint32Array(size);
  to.set(from);
  return to;
}

/** False when the text has an unpaired surrogate (String.prototype.isWellFormed, ES2024). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
