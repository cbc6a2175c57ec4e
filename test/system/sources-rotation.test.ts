import {
  closeSync,
  copyFileSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syslogSource } from '../../src/sources/index.js';
import { follow, type Follower } from './support/collect.js';

const dir = mkdtempSync(join(tmpdir(), 'snappy-debug-rotation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends numbered lines like a daemon would (O_APPEND), a few per tick. */
class Writer {
  private fd: number;
  next = 0;
  constructor(private readonly path: string) {
    this.fd = openSync(path, 'a');
  }
  write(count: number): void {
    for (let i = 0; i < count; i++)
      writeSync(
        this.fd,
        `Nov 22 11:00:00 vm kernel: line ${String(this.next++).padStart(6, '0')} ${'.'.repeat(i % 40)}\n`,
      );
  }
  async writeSlowly(count: number): Promise<void> {
    for (let done = 0; done < count; done += 25) {
      this.write(Math.min(25, count - done));
      await pause(3);
    }
  }
  reopen(): void {
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
  }
  close(): void {
    closeSync(this.fd);
  }
}

function expectEachOnce(follower: Follower, total: number): void {
  const numbers = follower.lines.map((l) => Number(/ line (\d+) /.exec(l.line)?.[1]));
  expect(numbers).toHaveLength(total);
  expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
  expect(follower.gaps).toEqual([]);
}

describe('file follower rotation', () => {
  it('rename rotation: lines written to the old file after the rename and to the new one all arrive once', async () => {
    const path = join(dir, 'rename.log');
    const writer = new Writer(path);
    writer.write(10);
    const follower = follow(syslogSource([path]));
    await follower.ready;
    const before = writer.next;
    for (let round = 0; round < 3; round++) {
      await writer.writeSlowly(300);
      renameSync(path, `${path}.${round + 1}`);
      await writer.writeSlowly(100); // the daemon has not noticed yet
      writer.reopen(); // like rsyslog after HUP: creates the new file
      await writer.writeSlowly(200);
    }
    writer.close();
    const total = writer.next - before;
    await follower.waitFor((lines) => lines.length >= total);
    await pause(200);
    await follower.stop();
    expect(follower.lines.map((l) => Number(/ line (\d+) /.exec(l.line)?.[1]) - before)).toEqual(
      Array.from({ length: total }, (_, i) => i),
    );
    expect(follower.gaps).toEqual([]);
  });

  it('copytruncate: what was not read before the truncation comes from the copy; nothing twice', async () => {
    const path = join(dir, 'copytruncate.log');
    const writer = new Writer(path);
    const follower = follow(syslogSource([path]));
    await follower.ready;
    for (let round = 0; round < 4; round++) {
      const seen = follower.lines.length;
      await writer.writeSlowly(250);
      // A follower that has read nothing from a file cannot tell it was truncated; one that
      // has read some of it must recover the rest from the copy.
      await follower.waitFor((lines) => lines.length > seen);
      writer.write(50); // unread when the copy is made
      try {
        renameSync(`${path}.1`, `${path}.2`);
      } catch {
        // first round: no older copy yet
      }
      copyFileSync(path, `${path}.1`);
      ftruncateSync(openSync(path, 'r+'), 0);
      // Odd rounds: the new file outgrows the old position before the follower looks again.
      writer.write(round % 2 === 1 ? 800 : 10);
    }
    writer.close();
    await follower.waitFor((lines) => lines.length >= writer.next);
    await pause(200);
    await follower.stop();
    expectEachOnce(follower, writer.next);
  });

  it('a log that does not exist yet is read from its first line once it appears', async () => {
    const path = join(dir, 'later.log');
    const follower = follow(syslogSource([path]));
    await follower.ready;
    const writer = new Writer(path);
    writer.write(30);
    await follower.waitFor((lines) => lines.length >= 30);
    await pause(100);
    await follower.stop();
    writer.close();
    expectEachOnce(follower, 30);
  });

  it('copytruncate without a copy to be found reports a gap instead of failing', async () => {
    const path = join(dir, 'truncated.log');
    const writer = new Writer(path);
    const follower = follow(syslogSource([path]));
    await follower.ready;
    writer.write(20);
    await follower.waitFor((lines) => lines.length === 20);
    writer.write(5);
    ftruncateSync(openSync(path, 'r+'), 0);
    writer.write(3);
    await follower.waitFor((lines) => lines.some((l) => l.line.includes('line 000027')));
    await follower.stop();
    expect(follower.gaps).toHaveLength(1);
    expect(follower.gaps[0]!.reason).toMatch(/truncated\.log was truncated/);
    expect(follower.lines.slice(-3).map((l) => / line (\d+) /.exec(l.line)?.[1])).toEqual([
      '000025',
      '000026',
      '000027',
    ]);
    writer.close();
  });
});
