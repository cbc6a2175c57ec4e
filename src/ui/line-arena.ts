/**
 * The newest log line of every group, as UTF-8 in one buffer outside the JavaScript heap. A group
 * takes a new line with nearly every event; kept as a string, each line would outlive the young
 * generation and be promoted before its replacement made it garbage, so loading a million events
 * would fill the old generation with a million dead lines. Here a line is copied into its group's
 * slot and the string dies young.
 */

const INITIAL_BYTES = 1 << 16;
const INITIAL_SLOTS = 1024;
/** Room left in a slot for the next line of the group being a little longer (pids, serials). */
const SLACK_BYTES = 16;
/** A UTF-8 character takes at most this many bytes: a shorter write than this below capacity fit. */
const MAX_CHAR_BYTES = 4;

interface HeapLine {
  readonly raw: string;
  readonly log: string;
}

/** The raw line and its log text per slot (a group ordinal), each read back as the same string. */
export class LineArena {
  private bytes = Buffer.allocUnsafe(INITIAL_BYTES);
  private used = 0;
  /** Bytes of slots left behind when a longer line moved its group to a new slot. */
  private abandoned = 0;
  private slots = 0;
  private start = new Uint32Array(INITIAL_SLOTS);
  private capacity = new Uint32Array(INITIAL_SLOTS);
  private length = new Uint32Array(INITIAL_SLOTS);
  /** Characters of the raw line at the start of the slot's text. */
  private rawChars = new Uint32Array(INITIAL_SLOTS);
  /** Characters of the log text at the end of the slot's text (the raw line's tail, usually). */
  private logChars = new Uint32Array(INITIAL_SLOTS);
  /** Lines with unpaired surrogates, which UTF-8 cannot carry: kept as strings (rare). */
  private readonly onHeap = new Map<number, HeapLine>();

  /** Keeps `raw` and `log` as slot `slot`'s line, replacing what it held. */
  put(slot: number, raw: string, log: string): void {
    this.ensureSlot(slot);
    const logIsTail = log.length <= raw.length && raw.endsWith(log);
    const text = logIsTail ? raw : raw + log;
    this.rawChars[slot] = raw.length;
    this.logChars[slot] = log.length;
    if (!isWellFormed(text)) {
      this.onHeap.set(slot, { raw, log });
      this.length[slot] = 0;
      return;
    }
    if (this.onHeap.size > 0) this.onHeap.delete(slot);
    const capacity = this.capacity[slot]!;
    const written = capacity > 0 ? this.bytes.write(text, this.start[slot]!, capacity, 'utf8') : 0;
    if (capacity > 0 && written <= capacity - MAX_CHAR_BYTES) {
      this.length[slot] = written;
      return;
    }
    const needed = Buffer.byteLength(text, 'utf8');
    if (needed > capacity) this.moveSlot(slot, needed + SLACK_BYTES);
    this.length[slot] = this.bytes.write(text, this.start[slot]!, needed, 'utf8');
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

  /** Bytes the buffer holds for lines now, and bytes it has room for. */
  get footprint(): { readonly used: number; readonly allocated: number } {
    return { used: this.used - this.abandoned, allocated: this.bytes.length };
  }

  private text(slot: number): string {
    const start = this.start[slot]!;
    return this.bytes.toString('utf8', start, start + this.length[slot]!);
  }

  private ensureSlot(slot: number): void {
    if (slot < this.slots) return;
    if (slot >= this.start.length) {
      const size = Math.max(slot + 1, this.start.length * 2);
      this.start = grown(this.start, size);
      this.capacity = grown(this.capacity, size);
      this.length = grown(this.length, size);
      this.rawChars = grown(this.rawChars, size);
      this.logChars = grown(this.logChars, size);
    }
    this.slots = slot + 1;
  }

  /** Gives `slot` a new place of `capacity` bytes at the end, compacting or growing the buffer. */
  private moveSlot(slot: number, capacity: number): void {
    this.abandoned += this.capacity[slot]!;
    this.capacity[slot] = 0;
    this.length[slot] = 0;
    if (this.used + capacity > this.bytes.length) this.makeRoom(capacity);
    this.start[slot] = this.used;
    this.capacity[slot] = capacity;
    this.used += capacity;
  }

  /**
   * Copies the live slots into a new buffer with room for `extra` more bytes: abandoned slots
   * are dropped, so the buffer stays within twice the bytes its lines need.
   */
  private makeRoom(extra: number): void {
    const live = this.used - this.abandoned;
    const size = Math.max(INITIAL_BYTES, 2 * (live + extra));
    const next = Buffer.allocUnsafe(size);
    let at = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const capacity = this.capacity[slot]!;
      if (capacity === 0) continue;
      const start = this.start[slot]!;
      this.bytes.copy(next, at, start, start + this.length[slot]!);
      this.start[slot] = at;
      at += capacity;
    }
    this.bytes = next;
    this.used = at;
    this.abandoned = 0;
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
