import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayHoldLossNotice } from '../../../src/sources/journald-source.js';
import { RecentKeys } from '../../../src/sources/journal-entry.js';
import { lossNoticeOf } from '../../../src/sources/loss-notice.js';

/** The plain model: a Set in insertion order, the oldest dropped past the capacity. */
class ModelKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity: number) {}
  seen(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value!);
    return false;
  }
}

describe('RecentKeys', () => {
  it('answers as a Set that drops its oldest key, for any sequence and capacity', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { maxLength: 60 }),
        (capacity, sequence) => {
          const keys = new RecentKeys(capacity);
          const model = new ModelKeys(capacity);
          for (const key of sequence) expect(keys.seen(key)).toBe(model.seen(key));
        },
      ),
      { numRuns: 2000 },
    );
  }, 60_000);
});

describe('mayHoldLossNotice', () => {
  it('agrees with lossNoticeOf on notices, near misses and ordinary entries', () => {
    const piece = fc.constantFrom(
      'Missed 7 kernel messages',
      'Missed kernel messages',
      'audit: backlog limit exceeded',
      'audit: rate limit exceeded',
      'audit: printk limit exceeded',
      'audit: kauditd hold queue overflow',
      'audit: type=1326 audit(1.2:3): comm="x"',
      'kauditd_printk_skb: 12 callbacks suppressed',
      'callbacks suppressed',
      '250 messages lost due to rate-limiting',
      'lost due to rate-limiting',
      '{"MESSAGE":"',
      '"}',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 6 }), (pieces) => {
        const text = pieces.join('');
        expect(mayHoldLossNotice(text)).toBe(lossNoticeOf(text) !== undefined);
      }),
      { numRuns: 3000 },
    );
  }, 60_000);
});
