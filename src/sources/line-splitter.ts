/**
 * Splits a byte stream into lines on \n, dropping a \r before it. Bytes are decoded as UTF-8
 * with U+FFFD for invalid sequences, line by line, so a multi-byte character split across
 * chunks is never mangled. A line of any length is kept whole; `finish()` returns the partial
 * last line, if any.
 */
export class LineSplitter {
  private pending: Buffer[] = [];

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    let newline = chunk.indexOf(0x0a, start);
    while (newline !== -1) {
      this.pending.push(chunk.subarray(start, newline));
      lines.push(this.takePending());
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
    return lines;
  }

  /** The unterminated last line, or undefined when the stream ended with \n. */
  finish(): string | undefined {
    if (this.pending.length === 0) return undefined;
    const line = this.takePending();
    return line;
  }

  /** Whether an unterminated line is being held. */
  get hasPartial(): boolean {
    return this.pending.length > 0;
  }

  private takePending(): string {
    let bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    // subarray views must not outlive the chunk they point into: toString copies.
    return bytes.toString('utf8');
  }
}
