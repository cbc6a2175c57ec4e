/**
 * The same text as a string of its own. A string cut from a log line (a path, a label) is a view
 * of the whole line, and one built by concatenation is a tree of its parts: kept for as long as a
 * group lives, either would keep every line it came from alive. A property key is stored as one
 * flat string, which reading the key back returns. Texts under 13 characters are always flat in V8.
 */
export function ownCopy(text: string): string {
  if (text.length < 13) return text;
  for (const key in { [text]: 0 }) return key;
  return text;
}
