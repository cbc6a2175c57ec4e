/**
 * The JSON text of a denial's suggestions, made once per suggestions array: repeats share their
 * key's array, and the suggestion engine may send a new array's text with it
 * (rememberSuggestionsTail) so that the main thread does not make it again.
 */
import type { Suggestion } from '../model/denial.js';

export function suggestionRecord(s: Suggestion): Record<string, unknown> {
  return {
    kind: s.kind,
    id: s.id,
    text: s.text,
    reason: s.reason ?? null,
    auto_connect: s.autoConnect ?? null,
    needs_review: s.needsReview ?? null,
    command: s.command ?? null,
    plugs_line: s.plugsLine ?? null,
    slots_line: s.slotsLine ?? null,
  };
}

const TAIL_HEAD = ',"suggestions":';
const TAIL_END = '}\n';
const encoded = new WeakMap<readonly Suggestion[], string>();
const tails = new WeakMap<readonly Suggestion[], Buffer>();

/** The suggestions' JSON array, `[]` for none. */
export function suggestionsJson(suggestions: readonly Suggestion[] | undefined): string {
  if (!suggestions) return '[]';
  let json = encoded.get(suggestions);
  if (json === undefined) {
    const tail = tails.get(suggestions);
    json =
      tail === undefined
        ? JSON.stringify(suggestions.map(suggestionRecord))
        : tail.toString('utf8', TAIL_HEAD.length, tail.length - TAIL_END.length);
    encoded.set(suggestions, json);
  }
  return json;
}

/** The end of a JSON line from its `,"suggestions":` on (the newline included). */
export function suggestionsTail(suggestions: readonly Suggestion[] | undefined): string {
  return `${TAIL_HEAD}${suggestionsJson(suggestions)}${TAIL_END}`;
}

/**
 * suggestionsTail()'s UTF-8 made anew, kept nowhere (the suggestion engine sends each list's
 * once, and a process that kept them all would only collect more garbage).
 */
export function freshSuggestionsTail(suggestions: readonly Suggestion[]): Buffer {
  return Buffer.from(`${TAIL_HEAD}${JSON.stringify(suggestions.map(suggestionRecord))}${TAIL_END}`);
}

/** suggestionsTail() as UTF-8. */
export function suggestionsTailBytes(suggestions: readonly Suggestion[]): Buffer {
  let tail = tails.get(suggestions);
  if (tail === undefined) tails.set(suggestions, (tail = Buffer.from(suggestionsTail(suggestions))));
  return tail;
}

/**
 * Takes `tail` as suggestionsTailBytes(suggestions): what the engine made of an array equal in
 * content (a test checks they are the same bytes).
 */
export function rememberSuggestionsTail(suggestions: readonly Suggestion[], tail: Buffer): void {
  if (!tails.has(suggestions)) tails.set(suggestions, tail);
}
