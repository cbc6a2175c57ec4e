import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Denial, Suggestion } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { loadRules, suggest } from '../../../src/suggest/index.js';
import { PidSharingSuggester } from '../../../src/suggest/pid-sharing.js';

// The suggestion process sends every answer through V8's serialiser: a list with holes (as an
// array made of spreads may be) is written as a sparse array, longer and slower to read back
// on the main thread. Every answer must be a dense list ('A' right after the 2-byte header).
const ROOT = join(import.meta.dirname, '../../..');
const rules = loadRules();

function sampleDenials(): Denial[] {
  const namer = new Enricher();
  const denials: Denial[] = [];
  for (const kind of ['interfaces', 'advice']) {
    const dir = join(ROOT, 'rules', kind);
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
      const data = parseYaml(readFileSync(join(dir, name), 'utf8')) as {
        samples?: { match?: unknown };
      } | null;
      const lines = Array.isArray(data?.samples?.match) ? (data.samples.match as unknown[]) : [];
      for (const line of lines) {
        const parsed = typeof line === 'string' ? parseLine(line) : undefined;
        if (parsed?.kind === 'denial') denials.push(namer.enrich(parsed.denial, 'file'));
      }
    }
  }
  return denials;
}

const DENSE_ARRAY = 'A'.charCodeAt(0);
const dense = (suggestions: readonly Suggestion[]): boolean => serialize(suggestions)[2] === DENSE_ARRAY;

describe('answers', () => {
  const denials = sampleDenials();

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
