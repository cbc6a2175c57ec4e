import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../src/suggest/index.js';
import { evaluate, readCorpus, report } from './corpus.js';

const CORPUS_DIR = join(import.meta.dirname, '../../fixtures/corpus');

/** The goals of the "Interface suggestions" issue. */
const GOAL_TOP1 = 0.85;
const GOAL_TOP3 = 0.95;
const GOAL_MEAN_INTERFACES = 2;

describe('labelled corpus of real-world denials', () => {
  const rules = loadRules();
  const entries = readCorpus(join(CORPUS_DIR, 'denials.yaml'));
  const outcomes = entries.map((entry) => evaluate(entry, rules));
  const summary = report(outcomes);
  if (process.env.CORPUS_REPORT) writeFileSync(join(CORPUS_DIR, 'REPORT.md'), `${summary.text}\n`);

  it('has at least 150 sourced, labelled denial lines', () => {
    expect(entries.length).toBeGreaterThanOrEqual(150);
    for (const entry of entries) {
      expect(entry.source, entry.line).toMatch(/^https:\/\//);
      expect(entry.expect.length, entry.line).toBeGreaterThan(0);
    }
  });

  it('labels only interfaces and advice that exist', () => {
    const known = new Set([...rules.interfaces.map((r) => r.id), ...rules.advice.map((r) => r.id), 'none']);
    const unknown = entries.flatMap((e) =>
      e.expect.filter((id) => !known.has(id)).map((id) => `${id} (${e.source})`),
    );
    expect(unknown).toEqual([]);
  });

  it('every line parses as a denial', () => {
    expect(outcomes.filter((o) => o.problem).map((o) => `${o.problem}: ${o.entry.line}`)).toEqual([]);
  });

  it(`meets top-1 >= ${GOAL_TOP1 * 100}%, top-3 >= ${GOAL_TOP3 * 100}% and mean list <= ${GOAL_MEAN_INTERFACES}`, () => {
    console.log(summary.text);
    expect(summary.top1).toBeGreaterThanOrEqual(GOAL_TOP1);
    expect(summary.meanInterfaces).toBeLessThanOrEqual(GOAL_MEAN_INTERFACES);
    expect(summary.top3).toBeGreaterThanOrEqual(GOAL_TOP3);
  });
});
