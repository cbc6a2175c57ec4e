import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { forgetSnapBindings } from '../../../src/suggest/file-index.js';
import { loadRules, suggest } from '../../../src/suggest/index.js';
import { PidSharingSuggester } from '../../../src/suggest/pid-sharing.js';
import { forgetSnapMemos } from '../../../src/suggest/snap-memos.js';
import { variablesFor } from '../../../src/suggest/variables.js';

// The suggestion snapshot's build forgets, after its warm-up, what the engine kept for the
// rules' sample snaps (suggestion-process-child.ts): answers made after that must be the ones
// made before, whichever snaps come next.
const ROOT = join(import.meta.dirname, '../../..');
const rules = loadRules();

/** Every rule file's sample lines (match and no_match) as denials, named as a replay names them. */
function sampleDenials(): Denial[] {
  const namer = new Enricher();
  const denials: Denial[] = [];
  for (const kind of ['interfaces', 'advice']) {
    const dir = join(ROOT, 'rules', kind);
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
      const data = parseYaml(readFileSync(join(dir, name), 'utf8')) as {
        samples?: { match?: unknown; no_match?: unknown };
      } | null;
      for (const list of [data?.samples?.match, data?.samples?.no_match]) {
        if (!Array.isArray(list)) continue;
        for (const line of list) {
          const parsed = typeof line === 'string' ? parseLine(line) : undefined;
          if (parsed?.kind === 'denial') denials.push(namer.enrich(parsed.denial, 'file'));
        }
      }
    }
  }
  return denials;
}

const samples = sampleDenials();

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
