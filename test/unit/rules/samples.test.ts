import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isSeq, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { evaluate, loadRules } from '../../../src/suggest/index.js';

const ROOT = join(import.meta.dirname, '../../..');

interface Sample {
  readonly file: string;
  readonly id: string;
  readonly line: number;
  readonly text: string;
  readonly expectMatch: boolean;
}

/** Every samples.match / samples.no_match entry of every YAML file in a rules directory, with its line. */
function samplesIn(dir: string): Sample[] {
  const out: Sample[] = [];
  let files: string[] = [];
  try {
    files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml'));
  } catch {
    return out;
  }
  for (const name of files.sort()) {
    const file = `${dir}/${name}`;
    const counter = new LineCounter();
    const doc = parseDocument(readFileSync(join(ROOT, file), 'utf8'), { lineCounter: counter });
    const id = String(doc.get('id') ?? name.replace(/\.yaml$/, ''));
    const samples = doc.get('samples', true);
    if (!isMap(samples)) continue;
    for (const [key, expectMatch] of [
      ['match', true],
      ['no_match', false],
    ] as const) {
      const list = samples.get(key, true);
      if (!isSeq(list)) continue;
      for (const item of list.items as Node[]) {
        if (!isScalar(item) || typeof item.value !== 'string') continue;
        const line = item.range ? counter.linePos(item.range[0]).line : 0;
        out.push({ file, id, line, text: item.value, expectMatch });
      }
    }
  }
  return out;
}

describe('rule samples', () => {
  const rules = loadRules();
  const enricher = new Enricher();
  const interfaceSamples = samplesIn('rules/interfaces');
  const adviceSamples = samplesIn('rules/advice');

  it('finds samples to check', () => {
    expect(interfaceSamples.length + adviceSamples.length).toBeGreaterThan(0);
  });

  const check = (sample: Sample, kind: 'interfaces' | 'advice'): string | undefined => {
    const where = `${sample.file}:${sample.line}`;
    const parsed = parseLine(sample.text);
    if (parsed.kind !== 'denial') return `${where}: sample does not parse as a denial (${parsed.kind})`;
    const result = evaluate(enricher.enrich(parsed.denial), rules);
    const matched = result[kind].includes(sample.id);
    if (matched === sample.expectMatch) return undefined;
    return `${where}: sample ${sample.expectMatch ? 'expected to match' : 'expected not to match'} ${sample.id}: ${sample.text}`;
  };

  it('every interface sample matches (or not) its interface', () => {
    const failures = interfaceSamples.map((s) => check(s, 'interfaces')).filter(Boolean);
    expect(failures).toEqual([]);
  });

  it('every advice sample matches (or not) its advice rule', () => {
    const failures = adviceSamples.map((s) => check(s, 'advice')).filter(Boolean);
    expect(failures).toEqual([]);
  });
});
