import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../src/suggest/index.js';
import { evaluate, readCorpus, report } from './corpus.js';

const CORPUS = join(import.meta.dirname, '../../fixtures/corpus/denials.yaml');

describe('labelled corpus of real-world denials', () => {
  const rules = loadRules();
  const entries = readCorpus(CORPUS);
  const outcomes = entries.map((entry) => evaluate(entry, rules));
  const summary = report(outcomes);

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

  it('meets the accuracy goals: top-1 >= 85%, top-3 >= 95%, mean list <= 2', () => {
    console.log(summary.text);
    expect(summary.top1).toBeGreaterThanOrEqual(0.85);
    expect(summary.top3).toBeGreaterThanOrEqual(0.95);
    expect(summary.meanInterfaces).toBeLessThanOrEqual(2);
  });
});
