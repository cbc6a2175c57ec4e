/**
 * The same text as a string of its own. A string cut from a log line (a path, a label) is a view
 * of the whole line, and one built by concatenation is a tree of its parts: kept for as long as a
 * group lives, either would keep every line it came from alive. Texts under 13 characters are
 * always flat copies in V8.
 */
export function ownCopy(text: string): string {
  if (text.length < 13) return text;
  // Decoded from UTF-8, the copy is one flat string, without the string-table entry (and its
  // growing cost) that interning would give it. A UTF-16 unit takes at most 3 bytes in UTF-8.
  if (text.length * 3 <= SCRATCH_BYTES && isWellFormed(text)) {
    const length = scratch.write(text, 0, 'utf8');
    return scratch.toString('utf8', 0, length);
  }
  // Any other text: a flat copy one character longer, of which the copy is a view.
  const longer = `${text}\u0000`;
  Number(longer); // flattens it in place
  return longer.slice(0, -1);
}

const SCRATCH_BYTES = 1 << 16;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

/** False when the text has an unpaired surrogate (String.prototype.isWellFormed, ES2024). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
