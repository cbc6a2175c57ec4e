import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logFileSource } from '../../../src/sources/log-file-source.js';
import type { SourceGap, SourceLine } from '../../../src/sources/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'log-file-batches-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 200,000 lines of varied length (more than one read), a loss notice among them, no newline at the end. */
function content(): string {
  const lines = Array.from({ length: 200_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 97)}`);
  lines[123_456] = 'Nov 22 10:00:00 vm kernel: [  1.0] kauditd_printk_skb: 17 callbacks suppressed';
  return lines.join('\n');
}

describe('a log file, a read at a time', () => {
  it('gives in batches exactly the lines, and gaps, it gives one by one', async () => {
    const path = join(dir, 'syslog');
    await writeFile(path, content());
    const source = logFileSource(path, 'syslog', 'test');
    const gapsOne: SourceGap[] = [];
    const one: string[] = [];
    for await (const l of source.lines({ all: true, follow: false, onGap: (g) => gapsOne.push(g) }))
      one.push(l.line);
    const gapsBatched: SourceGap[] = [];
    const batches: (readonly SourceLine[])[] = [];
    for await (const batch of source.lineBatches({
      all: true,
      follow: false,
      onGap: (g) => gapsBatched.push(g),
    }))
      batches.push(batch);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat().map((l) => l.line)).toEqual(one);
    expect(one).toEqual(content().split('\n'));
    expect(batches.flat().every((l) => l.source === 'syslog')).toBe(true);
    expect(gapsBatched.map(({ at: _, ...gap }) => gap)).toEqual(gapsOne.map(({ at: _, ...gap }) => gap));
    expect(gapsOne).toHaveLength(1);
    expect(gapsOne[0]?.lost).toBe(17);
  });

  it('follows what is appended, in the order written', async () => {
    const path = join(dir, 'syslog');
    await writeFile(path, 'old line\n');
    const stop = new AbortController();
    let ready!: () => void;
    const positioned = new Promise<void>((resolve) => (ready = resolve));
    const got: string[] = [];
    const reading = (async () => {
      const batches = logFileSource(path, 'syslog', 'test').lineBatches({
        signal: stop.signal,
        onReady: ready,
      });
      for await (const batch of batches) {
        got.push(...batch.map((l) => l.line));
        if (got.length >= 3000) stop.abort();
      }
    })();
    await positioned;
    for (let i = 0; i < 3; i++)
      await appendFile(path, Array.from({ length: 1000 }, (_, j) => `new ${i}.${j}\n`).join(''));
    await reading;
    expect(got).toEqual(
      Array.from({ length: 3 }, (_, i) => Array.from({ length: 1000 }, (_, j) => `new ${i}.${j}`)).flat(),
    );
  });
});
