import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Denial, Suggestion } from '../../../src/model/denial.js';
import {
  freshSuggestionsTail,
  rememberSuggestionsTail,
  suggestionRecord,
  suggestionsJson,
  suggestionsTailBytes,
} from '../../../src/output/suggestions-json.js';
import { encodeFrame, FrameReader } from '../../../src/scan/suggestion-process-frames.js';
import {
  answer,
  AnsweredLists,
  SuggestionLists,
  type SuggestionAnswers,
} from '../../../src/scan/suggestion-protocol.js';

// Answers send each distinct suggestion list once and an index per request: whatever the lists,
// the main thread must get for every request what the list itself would have given once copied
// across (V8's serialisation), and lists equal in content must share one array and no others.

/** Suggestions whose members may be missing, undefined, -0 or NaN: equal JSON, different content. */
const suggestion = fc.record(
  {
    kind: fc.constantFrom('interface', 'advice', 'none'),
    id: fc.constantFrom('home', 'network', 'x11', 'removable-media'),
    text: fc.constantFrom('a', 'b'),
    reason: fc.constantFrom(undefined, 'why'),
    autoConnect: fc.boolean(),
    rank: fc.constantFrom(0, -0, 1, Number.NaN),
  },
  { requiredKeys: ['kind', 'id', 'text'], noNullPrototype: true },
) as fc.Arbitrary<Suggestion>;

/** Request i's list, made anew for every request (equal contents are separate arrays). */
const listsArbitrary = fc.array(fc.array(suggestion, { maxLength: 3 }), { minLength: 1, maxLength: 12 });
const requestLists = fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 120 });

function copied<T>(value: T): T {
  return new FrameReader().push(encodeFrame(value))[0] as T;
}

/** Every request's suggestions as the main thread sees them, the answers crossing as frames. */
function throughProtocol(
  made: readonly Suggestion[][],
  engineLists: SuggestionLists,
  table = new AnsweredLists(),
  tails = false,
): (readonly Suggestion[])[] {
  const ids = made.map((_, i) => i);
  const denials = made.map((_, i) => ({ kind: 'apparmor', raw: String(i) }) as unknown as Denial);
  const frames: Buffer[] = [];
  // Several requests, as the pipeline sends them.
  for (let start = 0; start < ids.length; start += 50) {
    answer(
      {
        ids: ids.slice(start, start + 50),
        denials: denials.slice(start, start + 50),
        ...(tails ? { tails: true as const } : {}),
      },
      { suggest: (denial) => made[Number(denial.raw)]! },
      (answers) => frames.push(encodeFrame(answers)),
      engineLists,
    );
  }
  const reader = new FrameReader();
  const got: (readonly Suggestion[])[] = [];
  for (const value of reader.push(Buffer.concat(frames))) {
    const answers = value as SuggestionAnswers;
    const lists = table.suggestionsOf(answers);
    answers.ids.forEach((id, i) => (got[id] = lists[i]!));
  }
  return got;
}

/** A fresh deep copy of each chosen list: equal in content, never the same objects. */
function made(lists: readonly Suggestion[][], chosen: readonly number[]): Suggestion[][] {
  return chosen.map((i) => lists[i % lists.length]!.map((s) => ({ ...s })));
}

describe('suggestion answers sent as distinct lists', () => {
  it('give every request what sending its own list gives, sharing arrays exactly for equal content', () => {
    fc.assert(
      fc.property(
        listsArbitrary,
        requestLists,
        fc.constantFrom(1, 3, 1 << 16),
        fc.constantFrom(undefined, freshSuggestionsTail),
        (lists, chosen, limit, texts) => {
          const asked = made(lists, chosen);
          const got = throughProtocol(asked, new SuggestionLists(texts, limit));
          expect(got).toStrictEqual(asked.map((list) => copied(list)));
          if (limit < 1 << 16) return;
          // Equal content (what one serialisation of both gives) is one array; anything else is not.
          const byContent = new Map<string, readonly Suggestion[]>();
          asked.forEach((list, i) => {
            const content = encodeFrame(list).toString('latin1');
            const first = byContent.get(content);
            if (first === undefined) byContent.set(content, got[i]!);
            else expect(got[i]).toBe(first);
          });
          expect(new Set(got).size).toBe(byContent.size);
          for (const list of got) expect(Object.isFrozen(list)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tell apart lists whose JSON is the same (a member missing or undefined, rank, -0)', () => {
    const base = { kind: 'interface', id: 'home', text: 'use home' } as const;
    const variants: Suggestion[][] = [
      [{ ...base }],
      [{ ...base, reason: undefined }],
      [{ ...base, rank: 1 }],
      [{ ...base, rank: 0 }],
      [{ ...base, rank: -0 }],
      [{ id: 'home', kind: 'interface', text: 'use home' }],
      [{ ...base }],
    ];
    const got = throughProtocol(variants, new SuggestionLists());
    expect(got).toStrictEqual(variants.map((list) => copied(list)));
    expect(new Set(got).size).toBe(6);
    expect(got[6]).toBe(got[0]);
    expect(Object.is(got[4]![0]!.rank, -0)).toBe(true);
  });

  it('keeps each engine’s indexes its own: a second engine answering everything again (a failed process’s work resent to a worker) gives the same', () => {
    const lists = made(
      [[{ kind: 'interface', id: 'home', text: 'a' }], [{ kind: 'advice', id: 'x', text: 'b' }], []],
      [0, 1, 2, 0, 1, 2],
    );
    const engine = new SuggestionLists();
    const table = new AnsweredLists();
    const first = throughProtocol(lists, engine, table);
    expect(first).toStrictEqual(lists);
    // The same engine goes on with lists it has sent: indexes only its own table knows.
    const later = throughProtocol(made(lists, [2, 1]), engine, table);
    expect(later).toStrictEqual([[], lists[1]]);
    expect(later[1]).toBe(first[1]);
    expect(() => throughProtocol(made(lists, [2]), engine)).toThrow(/no list 2 was sent/);
    // A new engine (the worker taking over) starts its indexes again, and its main-thread table too.
    const resent = throughProtocol(lists, new SuggestionLists());
    expect(resent).toStrictEqual(first);
  });

  it('fails clearly on an index no message sent', () => {
    expect(() => new AnsweredLists().suggestionsOf({ ids: [0], lists: [3], newLists: [] })).toThrow(
      'suggestion answers: no list 3 was sent',
    );
  });

  it('send each new list with its JSON tail when asked: the bytes the main thread would make of it', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));
    const anySuggestion = fc.record(
      {
        kind: fc.constantFrom('interface', 'advice', 'none'),
        id: text,
        text,
        reason: fc.option(text, { nil: undefined }),
        autoConnect: fc.option(fc.boolean(), { nil: undefined }),
        command: fc.option(text, { nil: undefined }),
        plugsLine: fc.option(text, { nil: undefined }),
        slotsLine: fc.option(text, { nil: undefined }),
        rank: fc.option(fc.integer(), { nil: undefined }),
      },
      { requiredKeys: ['kind', 'id', 'text'], noNullPrototype: true },
    ) as fc.Arbitrary<Suggestion>;
    fc.assert(
      fc.property(
        fc.array(fc.array(anySuggestion, { maxLength: 3 }), { minLength: 1, maxLength: 8 }),
        requestLists,
        (lists, chosen) => {
          const asked = made(lists, chosen);
          const sent: [readonly Suggestion[], Buffer][] = [];
          const table = new AnsweredLists((list, tail) => {
            sent.push([list, tail]);
            rememberSuggestionsTail(list, tail);
          });
          const got = throughProtocol(asked, new SuggestionLists(freshSuggestionsTail), table, true);
          expect(got).toStrictEqual(asked.map((list) => copied(list)));
          expect(sent.length).toBe(new Set(got).size);
          for (const [list, tail] of sent) {
            const json = JSON.stringify(list.map(suggestionRecord));
            expect(tail.equals(Buffer.from(`,"suggestions":${json}}\n`))).toBe(true);
            // The main thread's memos now hand out the engine's text, equal to what they would make.
            expect(suggestionsTailBytes(list)).toBe(tail);
            expect(suggestionsJson(list)).toBe(json);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('send no tails unless asked, and the main thread then makes the same', () => {
    const lists = made([[{ kind: 'interface', id: 'home', text: 'é ✓ \u{1F600}' }]], [0, 0]);
    const sent: Buffer[] = [];
    const got = throughProtocol(
      lists,
      new SuggestionLists(freshSuggestionsTail),
      new AnsweredLists((_, tail) => sent.push(tail)),
    );
    expect(sent).toStrictEqual([]);
    expect(got[1]).toBe(got[0]);
    expect(suggestionsTailBytes(got[0]!).toString()).toBe(
      `,"suggestions":${JSON.stringify(lists[0]!.map(suggestionRecord))}}\n`,
    );
  });
});
