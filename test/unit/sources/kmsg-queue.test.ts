import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../../src/sources/kmsg-queue.js';

describe('BoundedQueue', () => {
  it('keeps order, holds at most its capacity and counts what it dropped', () => {
    const queue = new BoundedQueue<number>(3);
    expect([1, 2, 3, 4, 5].map((n) => queue.push(n))).toEqual([true, true, true, false, false]);
    expect(queue.takeDropped()).toBe(2);
    expect(queue.takeDropped()).toBe(0);
    expect(queue.shift()).toBe(1);
    expect(queue.push(6)).toBe(true);
    expect([queue.shift(), queue.shift(), queue.shift(), queue.shift()]).toEqual([2, 3, 6, undefined]);
    expect(queue.size).toBe(0);
  });

  it('stays in order across its compactions', () => {
    const queue = new BoundedQueue<number>(50_000);
    const taken: number[] = [];
    for (let n = 0; n < 50_000; n++) {
      queue.push(n);
      if (n % 3 !== 0) taken.push(queue.shift()!);
    }
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) taken.push(item);
    expect(taken).toEqual(Array.from({ length: 50_000 }, (_, i) => i));
  });

  it('hands over many at once in order, the same items as one by one', () => {
    const queue = new BoundedQueue<number>(20_000);
    const taken: number[] = [];
    for (let n = 0; n < 50_000; n++) {
      queue.push(n);
      if (n % 7 === 0) taken.push(...queue.shiftMany(n % 5000));
    }
    for (let batch = queue.shiftMany(3000); batch.length > 0; batch = queue.shiftMany(3000))
      taken.push(...batch);
    expect(taken).toEqual(Array.from({ length: 50_000 }, (_, i) => i));
    expect(queue.size).toBe(0);
    expect(queue.shiftMany(10)).toEqual([]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new BoundedQueue(0)).toThrow('invalid queue capacity: 0');
  });
});
