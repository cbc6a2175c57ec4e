/** Number of rate buckets a group keeps, and the width of each. */
export const RATE_BUCKETS = 8;
export const BUCKET_MS = 30_000;

const BARS = '▁▂▃▄▅▆▇█';

export function bucketOf(at: number): number {
  return Math.floor(at / BUCKET_MS);
}

/**
 * Draws a group's rate over the RATE_BUCKETS buckets ending at `nowBucket`: a space for an
 * empty bucket, then eight heights scaled to the group's busiest bucket.
 */
export function sparkline(rate: ArrayLike<number>, rateBucket: number, nowBucket: number): string {
  if (!Number.isFinite(nowBucket)) return ' '.repeat(RATE_BUCKETS);
  const values: number[] = [];
  for (let bucket = nowBucket - RATE_BUCKETS + 1; bucket <= nowBucket; bucket++) {
    const inRing = bucket <= rateBucket && bucket > rateBucket - RATE_BUCKETS;
    values.push(inRing ? rate[bucket % RATE_BUCKETS]! : 0);
  }
  const max = Math.max(...values);
  return values
    .map((value) =>
      value === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.ceil((value / max) * BARS.length) - 1)],
    )
    .join('');
}
