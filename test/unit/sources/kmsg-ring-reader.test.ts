import { openSync, closeSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRingReader, type RingRead } from '../../../src/sources/kmsg-ring-reader.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ring-reader-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const OPTIONS = { readsPerTurn: 3, pollMs: 50, busyPollMs: 2, busyForMs: 1000 };

/** Runs the reader thread on `fd` until it ends by itself; what it handed over, and how it ended. */
function readAll(fd: number, once: boolean): Promise<{ reads: RingRead[]; error?: Error }> {
  const reads: RingRead[] = [];
  return new Promise((resolve) => {
    startRingReader(
      fd,
      { ...OPTIONS, once },
      (read) => reads.push(read),
      (error) => resolve(error ? { reads, error } : { reads }),
    );
  });
}

describe('the ring reader thread', () => {
  it('hands over what it reads in order, a few reads at a time, and stops when dry if asked', async () => {
    // A regular file stands in for the ring: each read() returns up to 16 KiB, 0 at the end.
    const content = Array.from({ length: 5000 }, (_, i) => `record ${i}\n`).join('');
    const path = join(dir, 'ring');
    writeFileSync(path, content);
    const fd = openSync(path, 'r');
    try {
      const { reads, error } = await readAll(fd, true);
      expect(error).toBeUndefined();
      expect(reads.map((r) => r.records.join('')).join('')).toBe(content);
      expect(reads.every((r) => r.records.length <= OPTIONS.readsPerTurn)).toBe(true);
      expect(reads.at(-1)?.drained).toBe(true);
      expect(reads.slice(0, -1).some((r) => r.drained)).toBe(false);
    } finally {
      closeSync(fd);
    }
  });

  it('ends with the error a read failed with', async () => {
    // No descriptor has this number here (a closed one's number may be reused by the thread itself).
    const { error } = await readAll(999_999, false);
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe('EBADF');
  });

  it('stops when told while following an idle ring', async () => {
    const path = join(dir, 'empty');
    writeFileSync(path, '');
    const fd = openSync(path, 'r');
    try {
      let ended = false;
      const reads: RingRead[] = [];
      const reader = startRingReader(
        fd,
        { ...OPTIONS, once: false },
        (read) => reads.push(read),
        () => (ended = true),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await reader.stop();
      expect(ended).toBe(true);
      // Dry from the start: said once, not on every poll.
      expect(reads).toEqual([{ records: [], drained: true }]);
    } finally {
      closeSync(fd);
    }
  });
});
