// JSON lines made from per-shape templates (src/output/json-template.ts) must be exactly the text
// of the whole record stringified, for repeats in new envelopes and processes and for any record
// that differs from a template's in one member.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { formatJsonLine, toJsonRecord } from '../../../src/output/json.js';
import { SHARED_MEMBERS, templateFor } from '../../../src/output/json-template.js';
import { parseLine, parseLineUncached } from '../../../src/parse/index.js';
import { rulesDir } from '../../../src/paths.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { loadRules, type RuleSet } from '../../../src/suggest/index.js';
import { ROOT } from '../../support/build.js';
import { Rng, seedLines } from '../../support/mutate.mjs';

function realLines(): string[] {
  const files = ['test/fixtures/lines/real-world.yaml', 'test/fixtures/corpus/denials.yaml'];
  const entries = files.flatMap(
    (file) => parseYaml(readFileSync(join(ROOT, file), 'utf8')) as { line: string }[],
  );
  return [...entries.map((entry) => entry.line), ...seedLines().map((line) => line.replace(/\n/g, ' '))];
}

/** The same record logged again by another process: new stamp, serial, pid= and ip= values. */
function repeated(line: string, rng: Rng): string {
  return line
    .replace(
      /audit\(\d+\.\d+:\d+\)/g,
      `audit(${1_600_000_000 + rng.int(1e8)}.${rng.int(1000)}:${rng.int(1e7)})`,
    )
    .replace(/\bpid=\d+/g, () => `pid=${1 + rng.int(4_000_000)}`)
    .replace(/\bip=0x[0-9a-f]+/g, () => `ip=0x${rng.int(0x7fffffff).toString(16)}`);
}

const expectedLine = (d: Denial): string => `${JSON.stringify(toJsonRecord(d))}\n`;

let rules: RuleSet;
let lines: string[];
beforeAll(() => {
  rules = loadRules(rulesDir(), { cacheDir: false });
  lines = realLines();
}, 60_000);

describe('JSON lines from templates', () => {
  it('are the whole record stringified for every real line, repeated in new envelopes and processes', () => {
    const enricher = new Enricher(rules);
    const fresh = new Enricher(rules);
    const rng = new Rng(5);
    let checked = 0;
    for (let round = 0; round < 4; round++) {
      for (const seed of lines) {
        const line = round === 0 ? seed : repeated(seed, rng);
        const parsed = parseLine(line, 'file');
        if (parsed.kind !== 'denial') continue;
        const denial = enricher.enrichOwned(parsed.denial, 'file');
        const text = formatJsonLine(denial);
        expect(text, line).toBe(expectedLine(denial));
        const uncached = parseLineUncached(line, 'file');
        if (uncached.kind !== 'denial') throw new Error(`uncached parse differs: ${line}`);
        expect(text, line).toBe(expectedLine(fresh.enrich(uncached.denial, 'file')));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  }, 60_000);

  it('reuses one template for repeats of a denial', () => {
    const enricher = new Enricher(rules);
    const line = lines.find((l) => l.includes('type=1326'))!;
    const rng = new Rng(6);
    const made = new Set<unknown>();
    for (let i = 0; i < 50; i++) {
      const parsed = parseLine(repeated(line, rng), 'file');
      if (parsed.kind !== 'denial') throw new Error('not a denial');
      const denial = enricher.enrichOwned(parsed.denial, 'file');
      made.add(templateFor(denial, () => ({ access: '', process: '', suggestions: '' })));
    }
    // One per cache a repeat came through: kernel lines whose stamp has 3 millisecond digits are
    // copied by the line cache (line-cache.ts), the rest joined by the build cache; their shared
    // members are equal but not the same objects, so each has its template (same text).
    expect(made.size).toBeLessThanOrEqual(2);
  });

  it('never stands for a record that differs from its own in any one member', () => {
    const enricher = new Enricher(rules);
    const rng = new Rng(7);
    const denials = lines.flatMap((line) => {
      const parsed = parseLine(line, 'file');
      return parsed.kind === 'denial' ? [enricher.enrichOwned(parsed.denial, 'file')] : [];
    });
    const members = new Set<string>([...SHARED_MEMBERS, ...denials.flatMap((d) => Object.keys(d))]);
    const other = (value: unknown): unknown =>
      typeof value === 'number'
        ? value + 1 + rng.int(5)
        : typeof value === 'string'
          ? `${value}x`
          : Array.isArray(value)
            ? value.slice(1)
            : value && typeof value === 'object'
              ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, other(inner)]))
              : rng.int(2) === 0
                ? 'set'
                : 7;
    let checked = 0;
    for (const denial of denials.slice(0, 120)) {
      formatJsonLine(denial);
      for (const member of members) {
        const changed = {
          ...denial,
          [member]: other((denial as unknown as Record<string, unknown>)[member]),
        };
        if (member === 'raw' && typeof changed.raw !== 'string') continue;
        expect(formatJsonLine(changed as Denial), member).toBe(expectedLine(changed as Denial));
        const nested = { ...denial, [member]: undefined };
        if (member !== 'raw')
          expect(formatJsonLine(nested as Denial), member).toBe(expectedLine(nested as Denial));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3000);
  });

  it('writes a record without a raw line as the plain stringify does', () => {
    const d = { kind: 'seccomp', log: 'x' } as unknown as Denial;
    expect(formatJsonLine(d)).toBe(expectedLine(d));
  });
});
