import { describe, expect, it } from 'vitest';
import { ruleSampleDenials } from '../../support/rule-samples.js';
import { forgetSnapBindings } from '../../../src/suggest/file-index.js';
import { loadRules, suggest } from '../../../src/suggest/index.js';
import { PidSharingSuggester } from '../../../src/suggest/pid-sharing.js';
import { forgetSnapMemos } from '../../../src/suggest/snap-memos.js';
import { variablesFor } from '../../../src/suggest/variables.js';

// The suggestion snapshot's build forgets, after its warm-up, what the engine kept for the
// rules' sample snaps (suggestion-process-child.ts): answers made after that must be the ones
// made before, whichever snaps come next.
const rules = loadRules();

const samples = ruleSampleDenials({ noMatch: true });

function forget(): void {
  forgetSnapMemos();
  forgetSnapBindings(rules.interfaces);
}

describe('forgetting the snap memos and bindings', () => {
  it('has many samples, of many snaps, to check with', () => {
    expect(samples.length).toBeGreaterThan(400);
    expect(new Set(samples.map((d) => d.instance ?? d.snap)).size).toBeGreaterThan(20);
  });

  it('empties the memos: a snap gets its variables made anew', () => {
    const denial = samples.find((d) => d.snap !== undefined)!;
    const before = variablesFor(denial);
    expect(variablesFor(denial)).toBe(before);
    forget();
    const after = variablesFor(denial);
    expect(after).not.toBe(before);
    expect(after).toStrictEqual(before);
  });

  it('leaves every answer as it was', () => {
    const before = samples.map((d) => suggest(d, rules));
    forget();
    expect(samples.map((d) => suggest(d, rules))).toStrictEqual(before);
    // Forgotten again halfway through a stream of the same denials, in reverse order.
    const reversed = [...samples].reverse();
    const suggester = new PidSharingSuggester(rules);
    const answers = reversed.map((d, i) => {
      if (i === reversed.length >> 1) forget();
      return suggester.suggest(d);
    });
    expect(answers).toStrictEqual([...before].reverse());
  });
});
