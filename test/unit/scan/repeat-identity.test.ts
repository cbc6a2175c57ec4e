// A repeat (a record built from the parser's remembered build, see repeatOf in build-cache.ts)
// takes its suggestions and its JSON template from that build instead of working them out from
// its members: what it gets must be what the plain steps give.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyslog } from '../../../bench/gen-syslog.mjs';
import type { Denial } from '../../../src/model/denial.js';
import { formatJsonLine, toJsonRecord } from '../../../src/output/json.js';
import { SHARED_MEMBERS } from '../../../src/output/json-template.js';
import { repeatOf } from '../../../src/parse/build-cache.js';
import { parseLine, parseLineUncached } from '../../../src/parse/index.js';
import { rulesDir } from '../../../src/paths.js';
import { accessKey, Enricher } from '../../../src/scan/enrich.js';
import { loadRules, type RuleSet } from '../../../src/suggest/index.js';
import { Rng, seedLines } from '../../support/mutate.mjs';
import { ROOT } from '../../support/build.js';

let rules: RuleSet;
let dir: string;
let lines: string[];

/** `line` logged again by another process at another time: new pid, ip, audit stamp and serial. */
function repeated(line: string, rng: Rng): string {
  return line
    .replace(/ pid=\d+/, ` pid=${1 + rng.int(4_000_000)}`)
    .replace(/ ip=0x[0-9a-f]+/, ` ip=0x${(0x7f0000000000 + rng.int(0xffffff) * 4096).toString(16)}`)
    .replace(
      /audit\(\d+\.\d+:\d+\)/,
      `audit(${1_700_000_000 + rng.int(1e8)}.${rng.int(1000)}:${rng.int(1e7)})`,
    );
}

beforeAll(async () => {
  rules = loadRules(rulesDir(), { cacheDir: false });
  dir = mkdtempSync(join(tmpdir(), 'repeat-identity-'));
  const generated = join(dir, 'generated.log');
  await generateSyslog(generated, 60_000);
  const fixtures = ['test/fixtures/lines/real-world.yaml', 'test/fixtures/corpus/denials.yaml'].flatMap(
    (path) =>
      (parseYaml(readFileSync(join(ROOT, path), 'utf8')) as { line: string }[]).map((entry) => entry.line),
  );
  const seeds = [...fixtures, ...seedLines().map((line) => line.replace(/\n/g, ' '))];
  const rng = new Rng(7);
  // Each seed three times in all, the repeats later and mixed in among other lines.
  const again = seeds.flatMap((line) => [repeated(line, rng), repeated(line, rng)]);
  lines = [...seeds, ...again.sort(() => rng.int(3) - 1), ...readFileSync(generated, 'utf8').split('\n')];
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('repeats take what their remembered build worked out', () => {
  it('gives the same enriched denial and JSON line as parsing and enriching afresh', () => {
    const cached = new Enricher(rules);
    const fresh = new Enricher(rules);
    let repeats = 0;
    let denials = 0;
    for (const line of lines) {
      const a = parseLine(line, 'file');
      const b = parseLineUncached(line, 'file');
      if (a.kind !== 'denial' || b.kind !== 'denial') {
        expect(a).toEqual(b);
        continue;
      }
      denials++;
      if (repeatOf(a.denial) !== undefined) repeats++;
      expect(repeatOf(b.denial)).toBeUndefined();
      const got = cached.enrichOwned(a.denial, 'file');
      const expected = fresh.enrichOwned(b.denial, 'file');
      // As in build-cache.test.ts: equal members in the same order (a re-made `fields` may have
      // another prototype; JSON and every reader see the same).
      expect(got).toEqual(expected);
      expect(Object.keys(got)).toEqual(Object.keys(expected));
      expect(got.suggestions).toStrictEqual(expected.suggestions);
      expect(formatJsonLine(got)).toBe(`${JSON.stringify(toJsonRecord(expected))}\n`);
    }
    expect(denials).toBeGreaterThan(1500);
    expect(repeats).toBeGreaterThan(denials / 2);
  }, 60_000);

  it('shares every member a suggestion or the JSON template reads among the denials of one build', () => {
    const first = new Map<object, Denial>();
    let compared = 0;
    for (const line of lines) {
      const parsed = parseLine(line, 'file');
      if (parsed.kind !== 'denial') continue;
      const repeat = repeatOf(parsed.denial);
      if (repeat === undefined) continue;
      const earlier = first.get(repeat);
      if (earlier === undefined) {
        first.set(repeat, parsed.denial);
        continue;
      }
      compared++;
      for (const member of SHARED_MEMBERS) expect(parsed.denial[member]).toBe(earlier[member]);
      expect(accessKey(parsed.denial)).toBe(accessKey(earlier));
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('a copy of a repeat is not taken for it', () => {
    const line = lines.find((l) => parseLine(l, 'file').kind === 'denial')!;
    parseLine(line, 'file');
    const parsed = parseLine(line, 'file');
    if (parsed.kind !== 'denial') throw new Error('not a denial');
    expect(repeatOf(parsed.denial)).toBeDefined();
    expect(repeatOf({ ...parsed.denial })).toBeUndefined();
  });
});
