/**
 * Memos keyed by a snap's own names (its label, instance, variables): pure answers, so emptying
 * them changes nothing but the time of the next calls. The suggestion snapshot's build empties
 * them after its warm-up (scan/suggestion-process-child.ts): the rules' samples name dozens of
 * snaps a log seldom has, and what is kept for them is heap every process started from the
 * snapshot deserialises (the per-binding indexes keyed by their variables go with them).
 */
const memos: Map<unknown, unknown>[] = [];

/** A new memo of snap-keyed answers, emptied by forgetSnapMemos(). */
export function snapMemo<K, V>(): Map<K, V> {
  const made = new Map<K, V>();
  memos.push(made as Map<unknown, unknown>);
  return made;
}

/** Empties every memo made by snapMemo(). */
export function forgetSnapMemos(): void {
  for (const made of memos) made.clear();
}
