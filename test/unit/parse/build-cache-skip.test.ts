// The build cache steps aside while records do not repeat, and caches again once they do.
import { describe, expect, it } from 'vitest';
import type { RecordBase } from '../../../src/parse/apparmor.js';
import { BuildCache } from '../../../src/parse/build-cache.js';
import type { Tokens } from '../../../src/parse/tokenize.js';

const base: RecordBase = { raw: 'raw', log: 'log', auditType: 1400 };

/** A cache of `capacity` and a counting builder; `build(body)` returns how many builds ran so far. */
function counted(capacity: number): (body: string) => number {
  const cache = new BuildCache(capacity);
  let builds = 0;
  const builder = (b: RecordBase, tokens: Tokens) => {
    builds++;
    return { denial: { kind: 'apparmor' as const, ...b, operation: tokens.fields.op } };
  };
  const tokenize = (body: string): Tokens => ({ fields: { op: body } });
  return (body) => {
    const built = cache.build('apparmor', builder, base, body, tokenize);
    expect(built).toEqual({ denial: { kind: 'apparmor', ...base, operation: body } });
    return builds;
  };
}

describe('the build cache when records do not repeat', () => {
  it('builds a flood once and a second time, then only joins', () => {
    const build = counted(8);
    for (let i = 0; i < 100; i++) build('flood');
    expect(build('flood')).toBe(2);
  });

  it('skips itself after a fill without repeats, for twice its capacity, then caches again', () => {
    const build = counted(8);
    for (let i = 0; i < 8; i++) build(`distinct ${i}`);
    // The ninth distinct body fills it: forgotten, and no hits, so the next 16 builds skip it.
    let builds = build('distinct 8');
    for (let i = 0; i < 16; i++) builds = build('same');
    expect(builds).toBe(9 + 16);
    // Caching again: seen once, built again, then remembered.
    build('same');
    build('same');
    expect(build('same')).toBe(builds + 2);
  });

  it('skips for longer while repeats stay rare, and not at all once they come back', () => {
    const build = counted(4);
    let distinct = 0;
    const fill = (): number => {
      let builds = 0;
      for (let i = 0; i < 5; i++) builds = build(`d${distinct++}`);
      return builds;
    };
    fill(); // skip 8
    let builds = 0;
    for (let i = 0; i < 8; i++) builds = build('x');
    expect(builds).toBe(5 + 8);
    fill(); // caching again: fills without repeats, the next skip is twice as long (16)
    const before = build('y');
    for (let i = 0; i < 15; i++) builds = build('y');
    expect(builds).toBe(before + 15);
  });
});
