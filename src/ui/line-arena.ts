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
const INITIAL_SLOTS = 1024;
/** Room left in a slot for the next line of the group being a little longer (pids, serials). */
const SLACK_BYTES = 16;
/** A UTF-8 character takes at most this many bytes: a shorter write than this below capacity fit. */
const MAX_CHAR_BYTES = 4;
/** Abandoned slot bytes that make a compaction worth it, when they also outweigh the live ones. */
const COMPACT_AFTER_BYTES = 4 * CHUNK_BYTES;

interface HeapLine {
  readonly raw: string;
  readonly log: string;
}

/** The raw line and its log text per slot (a group ordinal), each read back as the same string. */
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
  private length = new Uint32Array(INITIAL_SLOTS);
  /** Characters of the raw line at the start of the slot's text. */
  private rawChars = new Uint32Array(INITIAL_SLOTS);
  /** Characters of the log text at the end of the slot's text (the raw line's tail, usually). */
  private logChars = new Uint32Array(INITIAL_SLOTS);
  /** Lines UTF-8 cannot carry (unpaired surrogates) or too long for a chunk: kept as strings. */
  private readonly onHeap = new Map<number, HeapLine>();

  /** Keeps `raw` and `log` as slot `slot`'s line, replacing what it held. */
  put(slot: number, raw: string, log: string): void {
    this.ensureSlot(slot);
    const logIsTail = log.length <= raw.length && raw.endsWith(log);
    const text = logIsTail ? raw : raw + log;
    this.rawChars[slot] = raw.length;
    this.logChars[slot] = log.length;
    const capacity = this.capacity[slot]!;
    if (capacity > 0 && this.onHeap.size === 0 && isWellFormed(text)) {
      const written = this.chunks[this.chunk[slot]!]!.write(text, this.start[slot]!, capacity, 'utf8');
      if (written <= capacity - MAX_CHAR_BYTES) {
        this.length[slot] = written;
        return;
      }
    }
    this.putSlowly(slot, text, raw, log);
  }

  /** `put` for a new slot, a line that may not fit, or while some lines are kept as strings. */
  private putSlowly(slot: number, text: string, raw: string, log: string): void {
    const needed = isWellFormed(text) ? Buffer.byteLength(text, 'utf8') : Number.POSITIVE_INFINITY;
    if (needed > MAX_LINE_BYTES) {
      this.release(slot);
      this.onHeap.set(slot, { raw, log });
      return;
    }
    this.onHeap.delete(slot);
    if (needed > this.capacity[slot]! || this.capacity[slot] === 0) {
      this.release(slot);
      this.allocate(slot, needed + SLACK_BYTES);
    }
    this.length[slot] = this.chunks[this.chunk[slot]!]!.write(text, this.start[slot]!, needed, 'utf8');
  }

  /** The raw line last put in `slot`. */
  raw(slot: number): string {
    const heap = this.onHeap.get(slot);
    if (heap) return heap.raw;
    const text = this.text(slot);
    const rawChars = this.rawChars[slot]!;
    return rawChars === text.length ? text : text.slice(0, rawChars);
  }

  /** The log text last put in `slot`. */
  log(slot: number): string {
    const heap = this.onHeap.get(slot);
    if (heap) return heap.log;
    const text = this.text(slot);
    return text.slice(text.length - this.logChars[slot]!);
  }

  /** Bytes of slots in use, and bytes of the chunks holding them. */
  get footprint(): { readonly used: number; readonly allocated: number } {
    return { used: this.live, allocated: this.chunks.length * CHUNK_BYTES };
  }

  private text(slot: number): string {
    const start = this.start[slot]!;
    return this.chunks[this.chunk[slot]!]!.toString('utf8', start, start + this.length[slot]!);
  }

  private ensureSlot(slot: number): void {
    if (slot < this.slots) return;
    if (slot >= this.start.length) {
      const size = Math.max(slot + 1, this.start.length * 2);
      this.chunk = grown(this.chunk, size);
      this.start = grown(this.start, size);
      this.capacity = grown(this.capacity, size);
      this.length = grown(this.length, size);
      this.rawChars = grown(this.rawChars, size);
      this.logChars = grown(this.logChars, size);
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

function grown(from: Uint32Array, size: number): Uint32Array<ArrayBuffer> {
  const to = new Uint32Array(size);
  to.set(from);
  return to;
}

/** False when the text has an unpaired surrogate (String.prototype.isWellFormed, ES2024). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
