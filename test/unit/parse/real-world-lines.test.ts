// Real-world lines (test/fixtures/lines/real-world.yaml, source URL beside each) through parseLine.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parseLine } from '../../../src/parse/index.js';

interface Entry {
  readonly id: string;
  readonly source: string;
  readonly form: string;
  readonly line: string;
  readonly expect: 'other' | 'unparsed' | Record<string, unknown>;
}

const ENTRIES = parse(
  readFileSync(new URL('../../fixtures/lines/real-world.yaml', import.meta.url), 'utf8'),
) as readonly Entry[];

describe('real-world lines', () => {
  test('every entry names its source and form', () => {
    expect(ENTRIES.length).toBeGreaterThanOrEqual(30);
    for (const entry of ENTRIES) {
      expect(entry.source, entry.id).toMatch(/^(https:\/\/|recorded on the project VM)/);
      expect(entry.form, entry.id).toBeTruthy();
    }
  });

  test.each(ENTRIES.map((entry) => [entry.id, entry] as const))('%s', (_id, entry) => {
    const result = parseLine(entry.line, 'file');
    if (typeof entry.expect === 'string') {
      expect(result.kind).toBe(entry.expect);
      return;
    }
    expect(result.kind, result.kind === 'unparsed' ? result.reason : '').toBe('denial');
    if (result.kind !== 'denial') return;
    expect(result.denial).toMatchObject(entry.expect);
    expect(result.denial.raw).toBe(entry.line);
    // A journal JSON line escapes the record's quotes; every other form carries it verbatim.
    if (!entry.line.startsWith('{')) expect(entry.line).toContain(result.denial.log);
  });
});
