import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DenialKind } from '../../../src/model/denial.js';
import { GroupStore } from '../../../src/ui/group-store.js';
import { COMPARATORS, mergeChanged, type SortKey } from '../../../src/ui/sort.js';
import { GroupView, type ViewQuery } from '../../../src/ui/view.js';
import { deviceDenial, fileDenial, syscallDenial } from './fixtures.js';

const ALL_KINDS: Record<DenialKind, boolean> = { apparmor: true, seccomp: true, cgroup: true };

function query(overrides: Partial<ViewQuery> = {}): ViewQuery {
  return {
    sort: 'count',
    kinds: ALL_KINDS,
    filter: '',
    reviewed: new Set(),
    hideReviewed: false,
    ...overrides,
  };
}

function summaries(view: GroupView, q: ViewQuery): string[] {
  return view.compute(q).rows.map((g) => `${g.snap} ${g.summary} ${g.count}`);
}

function sample(): GroupStore {
  const store = new GroupStore();
  store.add(fileDenial('foo', 'a', '/etc/fstab', 10), 0);
  store.add(syscallDenial('foo', 'a', 314, 11, 'sched_setattr'), 0);
  store.add(syscallDenial('foo', 'a', 314, 12, 'sched_setattr'), 0);
  store.add(deviceDenial('bar', 'b', 13), 0);
  store.add(fileDenial('bar', 'b', '/home/u/.config/x', 14), 0);
  return store;
}

describe('GroupView', () => {
  it('sorts by count, by last seen and by first seen', () => {
    const view = new GroupView(sample());
    expect(summaries(view, query({ sort: 'count' }))).toEqual([
      'foo syscall sched_setattr 2',
      'bar open /home/u/.config/x (read) 1',
      'bar device c 1:11 /dev/kmsg rw 1',
      'foo open /etc/fstab (read) 1',
    ]);
    expect(summaries(view, query({ sort: 'last' }))[0]).toBe('bar open /home/u/.config/x (read) 1');
    expect(summaries(view, query({ sort: 'first' }))[0]).toBe('foo open /etc/fstab (read) 1');
  });

  it('filters by kind, snap, reviewed and by a regex or plain text over summary and fields', () => {
    const store = sample();
    const view = new GroupView(store);
    expect(view.compute(query({ kinds: { ...ALL_KINDS, seccomp: false } })).rows).toHaveLength(3);
    expect(view.compute(query({ snap: 'bar' })).rows.map((g) => g.snap)).toEqual(['bar', 'bar']);
    const regex = view.compute(query({ filter: 'fstab|kmsg' }));
    expect(regex.filterMode).toBe('regex');
    expect(regex.rows).toHaveLength(2);
    // An invalid regex is taken as text; the log line is searched too (comm="a" appears in it).
    const text = view.compute(query({ filter: 'sched_setattr (' }));
    expect(text.filterMode).toBe('text');
    expect(text.rows).toHaveLength(0);
    expect(view.compute(query({ filter: 'ARCH=C000003E' })).rows.map((g) => g.summary)).toEqual([
      'syscall sched_setattr',
    ]);
    const key = [...store.groups()][0]!.key;
    expect(view.compute(query({ reviewed: new Set([key]), hideReviewed: true })).rows).toHaveLength(3);
  });

  it('points at the group with the newest event, wherever the sort puts it', () => {
    const store = sample();
    const view = new GroupView(store);
    store.add(fileDenial('foo', 'a', '/etc/fstab', 99), 0);
    const { rows, newestIndex } = view.compute(query({ sort: 'first' }));
    expect(rows[newestIndex]!.summary).toBe('open /etc/fstab (read)');
  });

  it('re-filters a group whose newest record changed', () => {
    const store = new GroupStore();
    const view = new GroupView(store);
    store.add(fileDenial('foo', 'a', '/x', 1, { comm: 'first' }), 0);
    const q = query({ filter: 'comm=second' });
    expect(view.compute(q).rows).toHaveLength(0);
    const log = 'apparmor="DENIED" operation="open" name="/x" comm=second';
    store.add(fileDenial('foo', 'a', '/x', 2, { log }), 0);
    expect(view.compute(q).rows).toHaveLength(1);
  });

  it('keeps the incremental order equal to a full sort under any sequence of events', () => {
    const event = fc.record({
      snap: fc.constantFrom('a', 'b', 'c'),
      path: fc.integer({ min: 0, max: 30 }),
      seconds: fc.integer({ min: 0, max: 500 }),
      repeat: fc.integer({ min: 1, max: 3 }),
    });
    const sort = fc.constantFrom<SortKey>('count', 'last', 'first');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(event, { maxLength: 20 }), sort), { maxLength: 12 }),
        (batches) => {
          const store = new GroupStore();
          const view = new GroupView(store);
          for (const [events, sortKey] of batches) {
            for (const e of events)
              store.add(fileDenial(e.snap, 'app', `/p${e.path}`, e.seconds, { repeat: e.repeat }), 0);
            const shown = view.compute(query({ sort: sortKey })).rows;
            const expected = [...store.groups()].sort(COMPARATORS[sortKey]);
            expect(shown.map((g) => g.key)).toEqual(expected.map((g) => g.key));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('merges changed groups into an order without re-sorting the rest', () => {
    const event = fc.record({
      path: fc.integer({ min: 0, max: 40 }),
      seconds: fc.integer({ min: 0, max: 900 }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 60 }),
        fc.array(event, { maxLength: 8 }),
        fc.constantFrom<SortKey>('count', 'last', 'first'),
        (before, after, sortKey) => {
          const store = new GroupStore();
          for (const e of before) store.add(fileDenial('s', 'a', `/p${e.path}`, e.seconds), 0);
          const previous = [...store.groups()].sort(COMPARATORS[sortKey]);
          store.takeTouched();
          for (const e of after) store.add(fileDenial('s', 'a', `/p${e.path}`, e.seconds), 0);
          const merged = mergeChanged(previous, store.takeTouched(), COMPARATORS[sortKey]);
          expect(merged).toEqual([...store.groups()].sort(COMPARATORS[sortKey]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('merges frame after frame at scale exactly as a full sort orders', () => {
    // Thousands of groups, a few hundred touched per frame (new ones among them), many ties in
    // count and time: the binary searches must find each group where its old keys put it.
    for (const sortKey of ['count', 'last', 'first'] as const) {
      const store = new GroupStore();
      for (let i = 0; i < 6000; i++) store.add(fileDenial(`s${i % 7}`, 'a', `/p${i % 3000}`, i % 50), 0);
      let order = [...store.groups()].sort(COMPARATORS[sortKey]);
      store.takeTouched();
      for (let frame = 0; frame < 12; frame++) {
        for (let i = 0; i < 300; i++) {
          const path = (i * 7919 + frame * 104_729) % 3600;
          store.add(fileDenial(`s${path % 7}`, 'a', `/p${path}`, 40 + frame * 3 + (i % 5)), 0);
        }
        const changed = store.takeTouched();
        const merged = mergeChanged(order, changed, COMPARATORS[sortKey]);
        expect(merged).toBe(order);
        expect(merged).toEqual([...store.groups()].sort(COMPARATORS[sortKey]));
        order = merged;
      }
    }
  });

  it('still drops every changed group once from an order its old keys do not explain', () => {
    const store = new GroupStore();
    for (let i = 0; i < 50; i++) store.add(fileDenial('s', 'a', `/p${i}`, i), 0);
    // Newest first, then merged by the oldest-first comparator: no group is where a search looks.
    const order = [...store.groups()].sort(COMPARATORS.last);
    store.takeTouched();
    for (const i of [3, 17, 40]) store.add(fileDenial('s', 'a', `/p${i}`, 60 + i), 0);
    store.add(fileDenial('s', 'a', '/new', 61), 0);
    const merged = mergeChanged(order, store.takeTouched(), COMPARATORS.first);
    expect(merged).toHaveLength(51);
    expect(new Set(merged).size).toBe(51);
    expect(new Set(merged)).toEqual(new Set(store.groups()));
  });
});
