import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ruleSampleDenials } from '../../support/rule-samples.js';
import type { Suggestion } from '../../../src/model/denial.js';
import { loadRules, suggest } from '../../../src/suggest/index.js';
import { PidSharingSuggester } from '../../../src/suggest/pid-sharing.js';

// The suggestion process sends every answer through V8's serialiser: a list with holes (as an
// array made of spreads may be) is written as a sparse array, longer and slower to read back
// on the main thread. Every answer must be a dense list ('A' right after the 2-byte header).
const rules = loadRules();

const DENSE_ARRAY = 'A'.charCodeAt(0);
const dense = (suggestions: readonly Suggestion[]): boolean => serialize(suggestions)[2] === DENSE_ARRAY;

describe('answers', () => {
  const denials = ruleSampleDenials();

  it('are dense lists, numbered from 1, for every rule sample (also once the engine is optimised)', () => {
    expect(denials.length).toBeGreaterThan(300);
    const sharing = new PidSharingSuggester(rules);
    // Rounds: how an array literal of spreads is allocated changes as its code is optimised.
    for (let round = 0; round < 12; round++) for (const denial of denials) suggest(denial, rules);
    for (const denial of denials) {
      for (const suggestions of [suggest(denial, rules), sharing.suggest(denial)]) {
        expect(dense(suggestions)).toBe(true);
        if (suggestions[0]?.kind !== 'none')
          expect(suggestions.map((s) => s.rank)).toEqual(suggestions.map((_, i) => i + 1));
      }
    }
  });

  it('tell a holey list from a dense one (the check can fail)', () => {
    const holey: Suggestion[] = [];
    holey[1] = { kind: 'none', id: 'none', text: 'x' };
    holey[0] = { kind: 'none', id: 'none', text: 'y' };
    expect(dense(holey)).toBe(false);
  });
});
