import type { Denial, Suggestion } from '../model/denial.js';

/** What the suggestion thread is started with: where the rules and their cache are. */
export interface SuggestionThreadData {
  readonly rulesDir: string;
  readonly cacheDir: string | false;
}

/**
 * Main thread to suggestion thread: denials (syscall resolved) to suggest for, by request id,
 * each without the fields no suggestion reads (suggest/input.ts).
 */
export interface SuggestionRequests {
  readonly ids: readonly number[];
  readonly denials: readonly Denial[];
}

/** Suggestion thread to main thread: the suggestions of those requests, in request order. */
export interface SuggestionAnswers {
  readonly ids: readonly number[];
  readonly suggestions: readonly (readonly Suggestion[])[];
}
