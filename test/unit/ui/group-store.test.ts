import { describe, expect, it } from 'vitest';
import { eventTime, GroupStore, OCCURRENCES_KEPT } from '../../../src/ui/group-store.js';
import { groupKeyOf, identify } from '../../../src/ui/group-key.js';
import { BUCKET_MS, sparkline } from '../../../src/ui/sparkline.js';
import { deviceDenial, fileDenial, syscallDenial } from './fixtures.js';

describe('identify', () => {
  it('names the object and summary of each kind', () => {
    expect(identify(fileDenial('foo', 'bar', '/etc/fstab', 1))).toEqual({
      snap: 'foo',
      app: 'bar',
      object: 'path /etc/fstab r',
      summary: 'open /etc/fstab (read)',
    });
    expect(identify(syscallDenial('foo', 'bar', 314, 1, 'sched_setattr')).summary).toBe(
      'syscall sched_setattr',
    );
    expect(identify(syscallDenial('foo', 'bar', 999, 1)).summary).toBe('syscall 999 (unresolved)');
    expect(identify(deviceDenial('foo', 'bar', 1))).toMatchObject({
      object: 'device c 1:11 rw',
      summary: 'device c 1:11 /dev/kmsg rw',
    });
    const cap = { ...fileDenial('foo', 'bar', '/x', 1), path: undefined, capname: 'net_raw', capability: 13 };
    expect(identify(cap).summary).toBe('capability net_raw');
    const hook = { ...fileDenial('foo', 'bar', '/x', 1), app: undefined, hook: 'configure' };
    expect(identify(hook).app).toBe('hook.configure');
  });

  it('groups /proc/PID paths of different processes together', () => {
    const a = identify(fileDenial('t', 't', '/proc/29913/mounts', 1));
    const b = identify(fileDenial('t', 't', '/proc/29914/mounts', 2));
    expect(a.object).toBe(b.object);
    expect(a.summary).toBe('open /proc/@{pid}/mounts (read)');
  });

  it('keys a seccomp group by arch and number, so a name resolved later does not split it', () => {
    expect(identify(syscallDenial('a', 'b', 314, 1)).object).toBe(
      identify(syscallDenial('a', 'b', 314, 2, 'sched_setattr')).object,
    );
  });
});

describe('GroupStore', () => {
  it('groups by snap, app, kind and object and counts every event', () => {
    const store = new GroupStore();
    store.add(fileDenial('foo', 'bar', '/etc/fstab', 100), 0);
    store.add(fileDenial('foo', 'bar', '/etc/fstab', 105), 0);
    store.add(fileDenial('foo', 'other', '/etc/fstab', 106), 0);
    store.add(syscallDenial('foo', 'bar', 314, 107), 0);
    store.add(deviceDenial('foo', 'bar', 108), 0);
    expect(store.size).toBe(4);
    expect(store.events).toBe(5);
    expect(store.kindCounts()).toEqual({ apparmor: 3, seccomp: 1, cgroup: 1 });
    const first = [...store.groups()][0]!;
    expect(first).toMatchObject({ count: 2, firstSeen: 100_000, lastSeen: 105_000, ordinal: 0 });
    expect(first.latest.pid).toBe(105);
  });

  it('counts rsyslog repeats and keeps only the last occurrences', () => {
    const store = new GroupStore();
    for (let i = 0; i < OCCURRENCES_KEPT + 5; i++) store.add(fileDenial('a', 'b', '/x', 1000 + i), 0);
    store.add(fileDenial('a', 'b', '/x', 2000, { repeat: 10 }), 0);
    const group = [...store.groups()][0]!;
    expect(group.count).toBe(OCCURRENCES_KEPT + 5 + 10);
    expect(group.occurrences).toHaveLength(OCCURRENCES_KEPT);
    expect(group.occurrences.at(-1)).toMatchObject({
      at: 2_000_000,
      pid: 2000,
      comm: 'b',
      decision: 'DENIED',
    });
    expect(group.occurrences[0]!.pid).toBe(1000 + 6);
  });

  it('keeps the newest record as latest even when events arrive out of order', () => {
    const store = new GroupStore();
    store.add(fileDenial('a', 'b', '/x', 50), 0);
    store.add(fileDenial('a', 'b', '/x', 40), 0);
    const group = [...store.groups()][0]!;
    expect(group).toMatchObject({ firstSeen: 40_000, lastSeen: 50_000 });
    expect(group.latest.pid).toBe(50);
  });

  it('hands each changed group to the view once, and clear starts a new generation', () => {
    const store = new GroupStore();
    const g = store.add(fileDenial('a', 'b', '/x', 1), 0);
    store.add(fileDenial('a', 'b', '/x', 2), 0);
    const changed = store.takeTouched();
    expect(changed.groups).toEqual([g]);
    // Created since the previous take: no keys from before.
    expect(changed.before).toEqual([undefined]);
    expect(changed.has(g)).toBe(true);
    expect(store.takeTouched().size).toBe(0);
    store.add(fileDenial('a', 'b', '/x', 3), 0);
    // A snapshot answers for its own changes only.
    expect(changed.has(g)).toBe(false);
    store.add(fileDenial('a', 'b', '/x', 9), 0);
    const again = store.takeTouched();
    expect(again.has(g)).toBe(true);
    // The sort keys as the previous take left them, not as the first of these events did.
    expect(again.before).toEqual([{ ordinal: 0, count: 2, firstSeen: 1000, lastSeen: 2000 }]);
    expect(g).toMatchObject({ count: 4, lastSeen: 9000 });
    const generation = store.generation;
    store.clear();
    expect(store.size).toBe(0);
    expect(store.events).toBe(0);
    expect(store.generation).toBe(generation + 1);
    expect(store.newestGroup).toBeUndefined();
  });
});

describe('eventTime', () => {
  it('prefers the audit stamp, then an ISO time, then the arrival time', () => {
    const d = fileDenial('a', 'b', '/x', 10);
    expect(eventTime(d, 5)).toBe(10_000);
    const { auditStamp: _stamp, ...noStamp } = d;
    expect(eventTime({ ...noStamp, time: '2026-03-13T15:17:16.250Z' }, 5)).toBe(
      Date.parse('2026-03-13T15:17:16.250Z'),
    );
    expect(eventTime({ ...noStamp, time: 'Mar 13 15:17:16' }, 5)).toBe(5);
  });
});

describe('sparkline', () => {
  it('draws the last eight buckets scaled to the busiest shown, blank where nothing happened', () => {
    const store = new GroupStore();
    const start = 1000 * BUCKET_MS;
    const at = (bucket: number) => (start + bucket * BUCKET_MS) / 1000;
    for (const [bucket, times] of [
      [0, 1],
      [2, 4],
      [7, 2],
    ] as const) {
      for (let i = 0; i < times; i++) store.add(fileDenial('a', 'b', '/x', at(bucket)), 0);
    }
    const group = [...store.groups()][0]!;
    expect(sparkline(group.rate, group.rateBucket, store.latestBucket)).toBe('▂ █    ▄');
    // Four buckets later the others have scrolled out; the one left is the busiest shown.
    expect(sparkline(group.rate, group.rateBucket, store.latestBucket + 4)).toBe('   █    ');
    expect(sparkline(group.rate, group.rateBucket, Number.NEGATIVE_INFINITY)).toBe('        ');
  });
});

describe('GroupStore at many groups', () => {
  it('keeps each group its own times, occurrences, rate and line across column blocks', () => {
    const store = new GroupStore();
    const GROUPS = 9_000;
    for (let round = 0; round < 3; round++) {
      for (let g = 0; g < GROUPS; g++) {
        store.add(
          fileDenial(`s${g % 7}`, `a${g}`, `/data/${g}`, 1_000 + g + round * 10_000, { pid: g * 3 + round }),
          0,
        );
      }
    }
    expect(store.size).toBe(GROUPS);
    for (const g of [0, 4_095, 4_096, 8_191, 8_192, GROUPS - 1]) {
      const group = store.get(
        groupKeyOf('apparmor', identify(fileDenial(`s${g % 7}`, `a${g}`, `/data/${g}`, 0))),
      )!;
      expect(group.count).toBe(3);
      expect(group.firstSeen).toBe((1_000 + g) * 1000);
      expect(group.lastSeen).toBe((1_000 + g + 20_000) * 1000);
      expect(group.occurrences.map((o) => o.pid)).toEqual([g * 3, g * 3 + 1, g * 3 + 2]);
      expect(group.latest.raw).toBe(fileDenial(`s${g % 7}`, `a${g}`, `/data/${g}`, 1_000 + g + 20_000).raw);
      expect(group.latest.pid).toBe(g * 3 + 2);
      expect([...group.rate].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    }
  });
});
