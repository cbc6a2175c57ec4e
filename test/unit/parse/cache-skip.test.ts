import { describe, expect, it } from 'vitest';
import { CacheSkip } from '../../../src/parse/cache-skip.js';

/** How many lookups in a row skip the cache from now on. */
function stretch(skip: CacheSkip): number {
  let n = 0;
  while (skip.skip()) n++;
  return n;
}

describe('CacheSkip', () => {
  it('uses the cache until a fill holds next to no repeat', () => {
    const skip = new CacheSkip(64);
    expect(stretch(skip)).toBe(0);
    skip.filled(4); // 4 * 16 = 64: not fewer than the capacity
    expect(stretch(skip)).toBe(0);
  });

  it('skips two fills after a useless one, doubling while they stay useless, up to 32', () => {
    const skip = new CacheSkip(64);
    const stretches = [];
    for (let i = 0; i < 6; i++) {
      skip.filled(3);
      stretches.push(stretch(skip));
    }
    expect(stretches).toEqual([128, 256, 512, 1024, 2048, 2048]);
  });

  it('starts over from two fills once a fill was useful', () => {
    const skip = new CacheSkip(64);
    skip.filled(0);
    skip.filled(0);
    expect(stretch(skip)).toBe(256);
    skip.filled(100);
    expect(stretch(skip)).toBe(0);
    skip.filled(0);
    expect(stretch(skip)).toBe(128);
  });
});
