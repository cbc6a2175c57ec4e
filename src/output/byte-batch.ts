/**
 * Output gathered as bytes: text encoded straight into one growing buffer, and parts encoded
 * once (a JSON template's shared members) copied in. A saved file's 35 MB of JSON lines are then
 * never strings of their own, joined and encoded again when written.
 */
export class ByteBatch {
  private buffer: Buffer;
  private used = 0;

  constructor(capacity = 1 << 21) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.used;
  }

  /** Appends `text` as UTF-8. */
  text(text: string): void {
    this.reserve(text.length * 3);
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  /** Appends bytes encoded earlier. */
  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** What is gathered, and a fresh start: the view is valid until the next append (copy it to keep it). */
  take(): Buffer {
    const taken = this.buffer.subarray(0, this.used);
    this.used = 0;
    return taken;
  }

  private reserve(more: number): void {
    if (this.used + more <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + more));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}
