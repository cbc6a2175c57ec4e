// A group reads its kind, snap and app from its newest record: they must stay those of the denial
// that made the group, whichever record of the group is the newest, for every real fixture line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { appOf, objectOf, snapOf, summaryOf } from '../../../src/ui/group-key.js';
import { GroupStore, type DenialGroup } from '../../../src/ui/group-store.js';

function fixtureDenials(): Denial[] {
  const read = (path: string) =>
    parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { line: string }[];
  const lines = [
    ...read('../../fixtures/lines/real-world.yaml'),
    ...read('../../fixtures/corpus/denials.yaml'),
  ];
  return lines.flatMap(({ line }) => {
    const result = parseLine(line, 'file');
    return result.kind === 'denial' ? [result.denial] : [];
  });
}

/** The same denial by another process, later, without the members that name its snap or app. */
function variants(d: Denial, n: number): Denial[] {
  const later = { ...d, pid: (d.pid ?? 0) + n, auditStamp: { seconds: 2e9 + n, millis: 0, serial: n } };
  return [later, { ...later, comm: `other${n}` }];
}

describe('a group identity', () => {
  it('keeps the kind, snap, app, object and summary of its first denial across refreshes', () => {
    const denials = fixtureDenials();
    expect(denials.length).toBeGreaterThan(50);
    const store = new GroupStore();
    const first = new Map<DenialGroup, Denial>();
    const later = denials.flatMap((d, i) => variants(d, i + 1));
    for (const d of [...denials, ...later]) {
      const group = store.add(d, 0);
      if (!first.has(group)) first.set(group, d);
    }
    // Most groups were refreshed by a later record.
    expect(store.size).toBeLessThan(denials.length + later.length / 2);
    for (const [group, d] of first) {
      expect(group.kind).toBe(d.kind);
      expect(group.snap).toBe(snapOf(d));
      expect(group.app).toBe(appOf(d));
      expect(group.object).toBe(objectOf(d));
      expect(group.summary).toBe(summaryOf(d));
    }
  });
});
