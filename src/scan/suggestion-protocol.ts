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

/**
 * A suggestion process's first message, before any answer: whether it suggests from the rules
 * its V8 snapshot holds (false: the rules changed since the build, so it loaded them again).
 */
export interface SuggestionProcessReady {
  readonly ready: true;
  readonly rulesFromSnapshot: boolean;
}

/** Answers go back in groups this large (or at the end of a request): few messages, early answers. */
const GROUP = 32;

/** Suggests for one request, handing each group of answers to `post` as soon as it is made. */
export function answer(
  { ids, denials }: SuggestionRequests,
  suggester: { suggest(denial: Denial): Suggestion[] },
  post: (answers: SuggestionAnswers) => void,
): void {
  let groupIds: number[] = [];
  let groupSuggestions: Suggestion[][] = [];
  for (let i = 0; i < ids.length; i++) {
    groupIds.push(ids[i]!);
    groupSuggestions.push(suggester.suggest(denials[i] as Denial));
    if (groupIds.length >= GROUP || i === ids.length - 1) {
      post({ ids: groupIds, suggestions: groupSuggestions });
      groupIds = [];
      groupSuggestions = [];
    }
  }
}
