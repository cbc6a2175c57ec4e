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
  /** Answer the lists new in these answers with their JSON tails too (SuggestionAnswers.newTails). */
  readonly tails?: true;
}

/**
 * Suggestion thread to main thread: the suggestions of those requests, in request order. Many
 * denials get suggestions equal in content, so each distinct list crosses once: `lists` holds each
 * request's list as an index into every list the engine has sent, and `newLists` the lists this
 * message is the first to use (their indexes follow those sent before). `restart`: the engine
 * forgot the lists it sent (SuggestionLists' limit), and indexes start again at 0 with this message.
 */
export interface SuggestionAnswers {
  readonly ids: readonly number[];
  readonly lists: readonly number[];
  readonly newLists: readonly (readonly Suggestion[])[];
  /**
   * When the requests asked for them and the engine makes them: each new list's JSON line tail
   * (output/suggestions-json.ts suggestionsTailBytes), in newLists' order, one after another in
   * one buffer (one object to copy across, not one per list); `newTailEnds` says where each ends.
   */
  readonly newTails?: Uint8Array;
  readonly newTailEnds?: readonly number[];
  readonly restart?: true;
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

/**
 * Suggests for one request, handing each group of answers to `post` as soon as it is made.
 * `lists` is the engine's for the whole connection (a new one starts the indexes again: fine for
 * one request alone, as the build's warm-up sends).
 */
export function answer(
  { ids, denials, tails }: SuggestionRequests,
  suggester: { suggest(denial: Denial): Suggestion[] },
  post: (answers: SuggestionAnswers) => void,
  lists: SuggestionLists = new SuggestionLists(),
): void {
  let groupIds: number[] = [];
  let groupLists: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    groupIds.push(ids[i]!);
    groupLists.push(lists.indexOf(suggester.suggest(denials[i] as Denial), tails === true));
    if (groupIds.length >= GROUP || i === ids.length - 1) {
      post(lists.answers(groupIds, groupLists));
      groupIds = [];
      groupLists = [];
    }
  }
}

/**
 * The engine's side of the lists of SuggestionAnswers: an index for every list, the same for
 * lists equal in content (the same members in the same order with the same values, so that the
 * main thread's copy of the first is exactly what a copy of any of them would be).
 */
export class SuggestionLists {
  private readonly byArray = new WeakMap<readonly Suggestion[], number>();
  /** Indexes by contentKey (lists of one key are compared in full). */
  private readonly byText = new Map<string, number[]>();
  private readonly known: (readonly Suggestion[])[] = [];
  private fresh: (readonly Suggestion[])[] = [];
  private freshTails: Uint8Array[] | undefined;
  private restarted = false;

  /**
   * @param tailOf makes a list's JSON tail (without: no tails are sent).
   * @param limit lists remembered at most (a message's may go beyond): then all are forgotten and the indexes start again.
   */
  constructor(
    private readonly tailOf?: (list: readonly Suggestion[]) => Uint8Array,
    private readonly limit = 1 << 16,
  ) {}

  /** `list`'s index; `withTail`: a new list's tail is sent with it (when this engine makes tails). */
  indexOf(list: readonly Suggestion[], withTail = false): number {
    const same = this.byArray.get(list);
    if (same !== undefined && this.known[same] === list) return same;
    const text = contentKey(list);
    const candidates = this.byText.get(text);
    if (candidates !== undefined) {
      for (const index of candidates) {
        if (sameList(this.known[index]!, list)) {
          this.byArray.set(list, index);
          return index;
        }
      }
    }
    const index = this.known.length;
    this.known.push(list);
    if (withTail && this.tailOf !== undefined && this.fresh.length === (this.freshTails?.length ?? 0)) {
      (this.freshTails ??= []).push(this.tailOf(list));
    }
    this.fresh.push(list);
    this.byArray.set(list, index);
    if (candidates !== undefined) candidates.push(index);
    else this.byText.set(text, [index]);
    return index;
  }

  /** The message for these requests and their lists' indexes, with the lists new since the last. */
  answers(ids: readonly number[], lists: readonly number[]): SuggestionAnswers {
    const newLists = this.fresh;
    // Tails for all the new lists or for none.
    const newTails = this.freshTails?.length === newLists.length ? this.freshTails : undefined;
    this.fresh = [];
    this.freshTails = undefined;
    const restart = this.restarted;
    this.restarted = false;
    // Forgotten between messages only: a message's indexes are all of one table.
    if (this.known.length >= this.limit) this.forget();
    const message: { -readonly [K in keyof SuggestionAnswers]: SuggestionAnswers[K] } = {
      ids,
      lists,
      newLists,
    };
    if (newTails !== undefined && newTails.length > 0) {
      let end = 0;
      message.newTailEnds = newTails.map((tail) => (end += tail.byteLength));
      message.newTails = Buffer.concat(newTails, end);
    }
    if (restart) message.restart = true;
    return message;
  }

  private forget(): void {
    this.known.length = 0;
    this.byText.clear();
    this.restarted = true;
  }
}

/**
 * The main thread's side: every list an engine sent, by index (one table per engine: a new
 * engine's indexes are its own). Requests with lists equal in content share one frozen array.
 */
export class AnsweredLists {
  private readonly known: (readonly Suggestion[])[] = [];

  /** @param onTail given each new list that came with its JSON tail (a view of the message's bytes). */
  constructor(private readonly onTail?: (list: readonly Suggestion[], tail: Buffer) => void) {}

  /** Each request's suggestions, in the message's order. */
  suggestionsOf(answers: SuggestionAnswers): (readonly Suggestion[])[] {
    if (answers.restart === true) this.known.length = 0;
    const { newTails, newTailEnds } = answers;
    let start = 0;
    answers.newLists.forEach((list, i) => {
      this.known.push(Object.freeze(list));
      const end = newTailEnds?.[i];
      if (newTails === undefined || end === undefined) return;
      this.onTail?.(list, Buffer.from(newTails.buffer, newTails.byteOffset + start, end - start));
      start = end;
    });
    return answers.lists.map((index) => {
      const list = this.known[index];
      if (list === undefined) throw new Error(`suggestion answers: no list ${index} was sent`);
      return list;
    });
  }
}

/**
 * A text that lists equal in content share: every documented member's value (a list differing
 * in an undocumented member, or in one missing rather than undefined, gets the same key, and is
 * told apart by sameList). Cheaper than JSON.stringify: nothing to escape.
 */
function contentKey(list: readonly Suggestion[]): string {
  let key = '';
  for (const s of list) {
    key += `${s.kind}\0${s.id}\0${s.text}\0${s.reason}\0${s.command}\0${s.plugsLine}\0${s.slotsLine}\0${s.autoConnect}\0${s.needsReview}\0${s.rank}\u0001`;
  }
  return key;
}

function sameList(a: readonly Suggestion[], b: readonly Suggestion[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameRecord(a[i]!, b[i]!)) return false;
  return true;
}

/** The same own members in the same order with the same values (Object.is: -0 and NaN too). */
function sameRecord(a: object, b: object): boolean {
  if (a === b) return true;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== otherKeys[i]) return false;
    const value = (a as Record<string, unknown>)[key];
    const other = (b as Record<string, unknown>)[key];
    if (Object.is(value, other)) continue;
    if (typeof value !== 'object' || value === null || typeof other !== 'object' || other === null)
      return false;
    if (!sameRecord(value, other)) return false;
  }
  return true;
}
