/**
 * A first-in first-out queue that holds at most `capacity` items: what does not fit is counted
 * as dropped, never stored. Taking is O(1) (a moving head, compacted now and then).
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private droppedSinceTaken = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`invalid queue capacity: ${capacity}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** False (and counted as dropped) when the queue is full. */
  push(item: T): boolean {
    if (this.size >= this.capacity) {
      this.droppedSinceTaken++;
      return false;
    }
    this.items.push(item);
    return true;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head++;
    if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Up to `max` items from the front, oldest first (an empty array when there are none). */
  shiftMany(max: number): T[] {
    const end = Math.min(this.items.length, this.head + max);
    const taken = this.items.slice(this.head, end);
    this.head = end;
    if (this.head >= this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  /** Items dropped since the previous call. */
  takeDropped(): number {
    const dropped = this.droppedSinceTaken;
    this.droppedSinceTaken = 0;
    return dropped;
  }
}
