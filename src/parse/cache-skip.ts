/**
 * When a bounded cache, forgotten all at once when full, skips itself. A fill that held next to
 * no repeat (a saved file whose records each have their own pid) sends the next stretch of
 * lookups past the cache: there the key and its lookup cost about a tenth of a parse (bench
 * file: ~80 ms of ~700). The stretch doubles while repeats stay rare, up to 32 fills' worth, so
 * a flood that starts meanwhile is cached again soon.
 */
export class CacheSkip {
  /** Lookups still to make without the cache. */
  private remaining = 0;
  /** How long the last such stretch was. */
  private last = 0;
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Whether this lookup goes without the cache (and counts it). */
  skip(): boolean {
    if (this.remaining === 0) return false;
    this.remaining--;
    return true;
  }

  /** After the cache filled up, `hits` of its lookups since the last fill being repeats. */
  filled(hits: number): void {
    if (hits * 16 < this.capacity) {
      this.last = Math.min(Math.max(this.last * 2, this.capacity * 2), this.capacity * 32);
      this.remaining = this.last;
    } else {
      this.last = 0;
    }
  }
}
