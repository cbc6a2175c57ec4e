import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Suggestion } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import type { RuleSet } from '../../../src/suggest/index.js';

export interface CorpusEntry {
  readonly source: string;
  readonly line: string;
  readonly expect: readonly string[];
  readonly note?: string;
}

export interface CorpusOutcome {
  readonly entry: CorpusEntry;
  readonly ids: readonly string[];
  readonly interfaces: number;
  readonly top1: boolean;
  readonly top3: boolean;
  readonly problem?: string;
}

export function readCorpus(file: string): CorpusEntry[] {
  const data = parseYaml(readFileSync(file, 'utf8')) as CorpusEntry[];
  if (!Array.isArray(data)) throw new Error(`${file}: expected a list`);
  return data;
}

function idOf(s: Suggestion): string {
  return s.kind === 'none' ? 'none' : s.id;
}

/** Runs one corpus line through the real parser, syscall resolver and suggestion engine. */
export function evaluate(entry: CorpusEntry, rules: RuleSet): CorpusOutcome {
  const parsed = parseLine(entry.line);
  if (parsed.kind !== 'denial') {
    const problem = parsed.kind === 'unparsed' ? `unparsed: ${parsed.reason}` : 'not a denial';
    return { entry, ids: [], interfaces: 0, top1: false, top3: false, problem };
  }
  const suggestions = new Enricher(rules).enrich(parsed.denial).suggestions ?? [];
  const ids = suggestions.map(idOf);
  return {
    entry,
    ids,
    interfaces: suggestions.filter((s) => s.kind === 'interface').length,
    top1: ids[0] !== undefined && entry.expect.includes(ids[0]),
    top3: ids.slice(0, 3).some((id) => entry.expect.includes(id)),
  };
}

export interface CorpusReport {
  readonly total: number;
  readonly top1: number;
  readonly top3: number;
  readonly meanInterfaces: number;
  readonly text: string;
}

export function report(outcomes: readonly CorpusOutcome[]): CorpusReport {
  const total = outcomes.length;
  const top1 = outcomes.filter((o) => o.top1).length / total;
  const top3 = outcomes.filter((o) => o.top3).length / total;
  const meanInterfaces = outcomes.reduce((sum, o) => sum + o.interfaces, 0) / total;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const misses = outcomes
    .filter((o) => !o.top1)
    .map(
      (o) =>
        `| ${o.top3 ? 'top-3' : 'miss'} | ${o.entry.expect.join(', ')} | ${o.problem ?? (o.ids.join(', ') || '-')} | ${o.entry.source} | ${o.top3 ? '' : (o.entry.note ?? '')} |`,
    );
  const text = [
    '# Suggestion accuracy on the labelled corpus',
    '',
    `| denials | top-1 | top-3 | mean interfaces suggested |`,
    `| --- | --- | --- | --- |`,
    `| ${total} | ${pct(top1)} | ${pct(top3)} | ${meanInterfaces.toFixed(2)} |`,
    '',
    '## Not right first',
    '',
    '| rank | expected | suggested | source | why missed (the entry note) |',
    '| --- | --- | --- | --- | --- |',
    ...misses,
  ].join('\n');
  return { total, top1, top3, meanInterfaces, text };
}
