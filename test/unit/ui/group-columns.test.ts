import { describe, expect, it } from 'vitest';
import { GroupColumns, OCCURRENCES_KEPT } from '../../../src/ui/group-columns.js';

describe('GroupColumns', () => {
  it('keeps every comm past 65,535 distinct names, in the groups written before and after', () => {
    const columns = new GroupColumns();
    columns.ensure(4097);
    const names = 70_000;
    for (let n = 0; n < names; n++)
      columns.writeOccurrence(n % 2 === 0 ? 1 : 4097, n >> 1, n, n, `comm-${n}`, 'DENIED');
    const last = (ordinal: number) => columns.occurrences(ordinal, names / 2).map((o) => o.comm);
    const expected = (first: number) =>
      Array.from(
        { length: OCCURRENCES_KEPT },
        (_, i) => `comm-${names - 2 * OCCURRENCES_KEPT + first + 2 * i}`,
      );
    expect(last(1)).toEqual(expected(0));
    expect(last(4097)).toEqual(expected(1));
    expect(columns.occurrences(1, names / 2).at(-1)).toEqual({
      at: names - 2,
      pid: names - 2,
      comm: `comm-${names - 2}`,
      decision: 'DENIED',
    });
  });

  it('counts a rate bucket past 65,535 events without wrapping, and its neighbours unchanged', () => {
    const columns = new GroupColumns();
    columns.ensure(3);
    columns.addRate(2, 5, 60_000);
    columns.addRate(3, 5, 7);
    columns.addRate(2, 5, 10_000);
    columns.addRate(2, 5, 1);
    expect(columns.rate(2)[5]).toBe(70_001);
    expect(columns.rate(3)[5]).toBe(7);
    columns.setRate(2, 5, 0);
    columns.setRate(3, 4, 100_000);
    expect([...columns.rate(2)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...columns.rate(3)]).toEqual([0, 0, 0, 0, 100_000, 7, 0, 0]);
  });
});
