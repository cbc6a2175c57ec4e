// The store keeps a group's newest record compactly (line in a LineArena, members refreshed in
// place); every real fixture line, parsed and enriched as scanlog does, must read back as the plain
// record would: same members, same detail pane, same filter text, same report.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { loadRules } from '../../../src/suggest/index.js';
import { detailLines } from '../../../src/ui/detail-lines.js';
import { renderReport } from '../../../src/ui/export-markdown.js';
import { searchableText } from '../../../src/ui/filter.js';
import { eventTime, GroupStore, type DenialGroup } from '../../../src/ui/group-store.js';

const NOT_KEPT = [
  'fields',
  'time',
  'timeText',
  'auditStamp',
  'auditType',
  'sig',
  'ses',
  'ip',
  'repeat',
  'peerPid',
];

function fixtureLines(): string[] {
  const read = (path: string) =>
    parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { line: string }[];
  return [...read('../../fixtures/lines/real-world.yaml'), ...read('../../fixtures/corpus/denials.yaml')].map(
    (entry) => entry.line,
  );
}

/** A line as the same process would log it again later: another pid and audit serial. */
function repeated(line: string, n: number): string {
  return line
    .replace(/\bpid=(\d+)/, (_m, pid: string) => `pid=${Number(pid) + n}`)
    .replace(/audit\((\d+)\.(\d+):(\d+)\)/, (_m, s: string, ms: string, serial: string) => {
      return `audit(${Number(s) + n}.${ms}:${Number(serial) + n})`;
    });
}

/** What the store kept before lines left the heap: the record less the members the UI never reads. */
function plainRecord(d: Denial): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(d))
    if (value !== undefined && !NOT_KEPT.includes(key)) kept[key] = value;
  return kept;
}

function withLatest(group: DenialGroup, latest: Denial): DenialGroup {
  const { key, ordinal, kind, snap, app, object, summary, count, firstSeen, lastSeen, occurrences } = group;
  return {
    key,
    ordinal,
    kind,
    snap,
    app,
    object,
    summary,
    count,
    firstSeen,
    lastSeen,
    occurrences,
    latest,
    rate: group.rate,
    rateBucket: group.rateBucket,
  };
}

describe('the kept record of a group', () => {
  const enricher = new Enricher(loadRules());
  const denials = fixtureLines()
    .flatMap((line) => [line, repeated(line, 1), repeated(line, 7)])
    .map((line) => parseLine(line, 'file'))
    .flatMap((result) => (result.kind === 'denial' ? [enricher.enrich(result.denial)] : []));

  it('reads back as the newest plain record, for every fixture line', () => {
    expect(denials.length).toBeGreaterThan(150);
    const store = new GroupStore();
    const newest = new Map<DenialGroup, { at: number; denial: Denial }>();
    // Forwards, then backwards: repeats refresh the record in place, older events leave it alone.
    for (const [i, d] of [...denials, ...[...denials].reverse()].entries()) {
      const group = store.add(d, i);
      const at = eventTime(d, i);
      const before = newest.get(group);
      if (!before || at >= before.at) newest.set(group, { at, denial: d });
    }
    expect(store.size).toBeGreaterThan(50);
    for (const group of store.groups()) {
      const { denial } = newest.get(group)!;
      const plain = plainRecord(denial);
      expect({ ...group.latest }, denial.raw).toEqual(plain);
      const eager = withLatest(group, plain as unknown as Denial);
      expect(detailLines(group, 72)).toEqual(detailLines(eager, 72));
      expect(searchableText(group)).toBe(searchableText(eager));
    }
    const groups = [...store.groups()];
    const context = { generatedAt: 0, sourceDescription: 'fixtures', viewDescription: 'all' };
    const eagerGroups = groups.map((g) =>
      withLatest(g, plainRecord(newest.get(g)!.denial) as unknown as Denial),
    );
    expect(renderReport(groups, context)).toBe(renderReport(eagerGroups, context));
  });
});
