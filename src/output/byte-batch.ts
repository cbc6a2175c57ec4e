/**
 * Output gathered as bytes in one growing buffer: text is gathered as a string of up to
 * PENDING characters (concatenation only links strings) and encoded into the buffer in one go,
 * so a saved file's 20,000 JSON lines cost some 600 encodings, not one (a call into C++) per
 * line or per part of one. Bytes encoded earlier are copied in.
 */
const PENDING = 1 << 16;

export class ByteBatch {
  private buffer: Buffer;
  private used = 0;
  /** Where the bytes not yet cut() start. */
  private cutAt = 0;
  private pending = '';

  constructor(capacity = 1 << 21) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  /** Bytes gathered since the last cut, counting text not yet encoded as one byte a character. */
  get length(): number {
    return this.used - this.cutAt + this.pending.length;
  }

  /** Appends `text` as UTF-8. */
  text(text: string): void {
    this.pending += text;
    if (this.pending.length >= PENDING) this.encodePending();
  }

  /** Appends bytes encoded earlier. */
  bytes(bytes: Uint8Array): void {
    this.encodePending();
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** What is gathered, and a fresh start: the view is valid until the next append (copy it to keep it). */
  take(): Buffer {
    this.encodePending();
    const taken = this.buffer.subarray(this.cutAt, this.used);
    this.used = 0;
    this.cutAt = 0;
    return taken;
  }

  /**
   * What was gathered since the last cut, as a view that stays valid until take() or reset(): the
   * bytes after it go further on in the buffer (or into a new one).
   */
  cut(): Buffer {
    this.encodePending();
    const piece = this.buffer.subarray(this.cutAt, this.used);
    this.cutAt = this.used;
    return piece;
  }

  /** Starts again at the front of the buffer: every view handed out is overwritten from here on. */
  reset(): void {
    this.pending = '';
    this.used = 0;
    this.cutAt = 0;
  }

  private encodePending(): void {
    const text = this.pending;
    if (text.length === 0) return;
    this.pending = '';
    this.reserve(text.length * 3);
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  private reserve(more: number): void {
    if (this.used + more <= this.buffer.length) return;
    // Views cut from the old buffer keep it; only what follows the last cut moves.
    const kept = this.used - this.cutAt;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, kept + more));
    this.buffer.copy(grown, 0, this.cutAt, this.used);
    this.buffer = grown;
    this.used = kept;
    this.cutAt = 0;
  }
}
