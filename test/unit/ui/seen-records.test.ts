import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { firstSightings, SeenRecords } from '../../../src/ui/seen-records.js';
import { deviceDenial, fileDenial, syscallDenial } from './fixtures.js';

async function collect(denials: AsyncIterable<Denial>): Promise<Denial[]> {
  const out: Denial[] = [];
  for await (const d of denials) out.push(d);
  return out;
}

async function* from(denials: readonly Denial[]): AsyncGenerator<Denial> {
  yield* denials;
}

describe('SeenRecords', () => {
  it("drops the log's copy of a seccomp or device record a run already reported, by audit stamp", async () => {
    const seen = new SeenRecords();
    const seccomp = syscallDenial('foo', 'app', 251, 100, 'ioprio_set');
    const device = deviceDenial('foo', 'app', 100);
    expect([seen.firstSight(seccomp), seen.firstSight(device)]).toEqual([true, true]);
    const later = syscallDenial('foo', 'app', 251, 101, 'ioprio_set');
    const followed = await collect(firstSightings(from([{ ...seccomp }, { ...device }, later]), seen));
    expect(followed).toEqual([later]);
    // ...and a run's copy of what the log brought first.
    expect(seen.firstSight({ ...later, source: 'journald' })).toBe(false);
  });

  it('never drops AppArmor records or records without a stamp', () => {
    const seen = new SeenRecords();
    const file = fileDenial('foo', 'app', '/etc/x', 100);
    const { auditStamp: _none, ...unstamped } = syscallDenial('foo', 'app', 1, 100);
    for (let i = 0; i < 2; i++)
      expect([seen.firstSight(file), seen.firstSight(unstamped)]).toEqual([true, true]);
  });

  it('forgets the oldest stamps beyond its limit', () => {
    const seen = new SeenRecords(2);
    const [a, b, c] = [1, 2, 3].map((s) => syscallDenial('foo', 'app', 1, s));
    for (const d of [a!, b!, c!]) seen.firstSight(d);
    expect([seen.firstSight(a!), seen.firstSight(c!)]).toEqual([true, false]);
  });
});
