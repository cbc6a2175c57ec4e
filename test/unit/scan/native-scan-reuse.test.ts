// The native scan writes each chunk's text and rendered lines into memory of earlier chunks once
// JavaScript has let go of their Buffers (native/scan/buffer-pool.h). A Buffer JavaScript still
// holds must never change, and a scan that reuses memory must hand over exactly what one that
// cannot reuse any (every Buffer kept) hands over.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIAL_MARKERS } from '../../../src/parse/index.js';
import type { NativeChunk, RenderTemplate, ScanAddon } from '../../../src/scan/native-scan.js';
import { FACTS_PER_LINE } from '../../../src/scan/repeat-lane.js';
import { scanCandidatesJs, scanCandidatesNative } from '../../../src/sources/candidate-scan.js';
import { builtScanAddon } from '../../support/scan-addon.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;
// A scavenge: the Buffers let go of since the last chunk are young.
const collectGarbage = (): void => gc({ type: 'minor' });

const dir = mkdtempSync(join(tmpdir(), 'native-scan-reuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let addon: ScanAddon;
beforeAll(() => {
  addon = builtScanAddon();
}, 120_000);

/** A few megabytes of syslog: audit denials of 40 distinct keys repeated by many pids, and noise. */
function writeLog(): string {
  let seed = 7;
  const random = (below: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % below;
  };
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    if (random(3) === 0) {
      const key = random(40);
      const stamp = `${1763805750 + Math.floor(i / 10)}.${String(random(1000)).padStart(3, '0')}:${i}`;
      lines.push(
        `Nov 22 10:02:30 devbox kernel: audit: type=1400 audit(${stamp}): apparmor="DENIED" operation="open" profile="snap.app${key}.run" name="/etc/x${key}" pid=${100 + random(5000)} comm="c${key}" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
      );
    } else {
      lines.push(
        `Nov 22 10:02:30 devbox systemd[1]: Started session ${i} of user ${'u'.repeat(random(60))}.`,
      );
    }
  }
  const path = join(dir, 'log');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** What a chunk hands over, copied out of its Buffers. */
interface Copied {
  readonly text: string;
  readonly textBytes: string;
  readonly rendered: string;
  readonly facts: number[];
}

const templateFor = (key: number): RenderTemplate => ({
  key,
  before: `{"key":${key},"time":`,
  afterTime: ',"pid":',
  pid: null,
  afterPid: ',"raw":',
  tail: Buffer.from(`,"suggestions":["${'s'.repeat(200)}"]}\n`),
});

const copy = (chunk: NativeChunk): Copied => ({
  text: chunk.text,
  textBytes: chunk.textBytes!.toString('latin1'),
  rendered: chunk.rendered!.toString('latin1'),
  facts: [...chunk.facts!],
});

/** Runs `use` with a descriptor of `path` open for reading, closed once `use` has settled. */
async function withDescriptor<T>(path: string, use: (fd: number) => Promise<T>): Promise<T> {
  const fd = openSync(path, 'r');
  try {
    return await use(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A keyed scan that gives a template to each key at its first sight (so later chunks render its
 * repeats). Keeps the chunks `keep` says, lets go of the others and collects garbage after each
 * chunk (so their memory comes back for later chunks). Every kept chunk's Buffers are compared
 * with their copies at the end.
 */
async function scan(
  path: string,
  keep: (index: number) => boolean,
): Promise<{ copies: Copied[]; reused: number }> {
  return withDescriptor(path, async (fd) => {
    const scanner = new addon.CandidateScanner(fd, DENIAL_MARKERS, 48 << 10, true);
    const copies: Copied[] = [];
    const kept: { chunk: NativeChunk; copied: Copied }[] = [];
    let templates: RenderTemplate[] = [];
    for (let index = 0; ; index++) {
      const chunk = await scanner.next(templates);
      if (chunk === null) break;
      templates = [];
      const copied = copy(chunk);
      copies.push(copied);
      for (let at = 0; at < chunk.facts!.length; at += FACTS_PER_LINE) {
        if (chunk.facts![at] !== 0 && chunk.facts![at + 1] === 0) {
          templates.push(templateFor(chunk.facts![at]!));
        }
      }
      if (keep(index)) kept.push({ chunk, copied });
      collectGarbage();
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const { chunk, copied } of kept) expect(copy(chunk)).toEqual(copied);
    return { copies, reused: scanner.buffersReused() };
  });
}

describe('native scan buffer reuse', () => {
  it('never writes into a Buffer JavaScript holds, and hands over what a scan without reuse does', async () => {
    const path = writeLog();
    const everyChunkKept = await scan(path, () => true);
    const everyThirdKept = await scan(path, (index) => index % 3 === 0);
    const noneKept = await scan(path, () => false);
    expect(everyChunkKept.copies.length).toBeGreaterThan(30);
    // Memory came back and was written again, or the comparison says nothing.
    expect(everyThirdKept.reused).toBeGreaterThan(20);
    expect(noneKept.reused).toBeGreaterThan(30);
    expect(everyThirdKept.copies).toEqual(everyChunkKept.copies);
    expect(noneKept.copies).toEqual(everyChunkKept.copies);
    // Repeats were rendered (the rendered Buffers were exercised), and the lines are the scan's.
    const rendered = everyChunkKept.copies.reduce((sum, c) => sum + c.rendered.length, 0);
    expect(rendered).toBeGreaterThan(1 << 20);
    const lines = everyChunkKept.copies.flatMap((c) => (c.text === '' ? [] : c.text.split('\n')));
    const js: string[] = [];
    for await (const batch of scanCandidatesJs(path, DENIAL_MARKERS)) js.push(...batch.lines);
    const renderedLines = everyChunkKept.copies.reduce(
      (sum, c) => sum + c.facts.filter((_, i) => i % FACTS_PER_LINE === 1 && c.facts[i]! >= 2).length,
      0,
    );
    expect(lines.length + renderedLines).toBe(js.length);
  }, 60_000);

  it('reuses the memory of an unkeyed scan’s text, which never leaves the addon', async () => {
    const path = writeLog();
    await withDescriptor(path, async (fd) => {
      const scanner = new addon.CandidateScanner(fd, DENIAL_MARKERS, 48 << 10);
      const lines: string[] = [];
      for (let chunk = await scanner.next(); chunk !== null; chunk = await scanner.next()) {
        if (chunk.text !== '') lines.push(...chunk.text.split('\n'));
      }
      const js: string[] = [];
      for await (const batch of scanCandidatesJs(path, DENIAL_MARKERS)) js.push(...batch.lines);
      expect(lines).toEqual(js);
      expect(scanner.buffersReused()).toBeGreaterThan(30);
    });
  });
});

describe('native scan read-ahead', () => {
  const line = (pid: number, ms: number): string =>
    `Nov 22 10:02:30 devbox kernel: audit: type=1400 audit(1763805750.${String(ms).padStart(3, '0')}:${pid}): apparmor="DENIED" operation="open" profile="snap.a.b" name="/x" pid=${pid} comm="c"`;

  it('renders a chunk with the templates given by the next() that asked for it, though it was read before', async () => {
    const path = join(dir, 'ahead.log');
    writeFileSync(path, `${Array.from({ length: 400 }, (_, i) => line(100 + i, i % 1000)).join('\n')}\n`);
    await withDescriptor(path, async (fd) => {
      const scanner = new addon.CandidateScanner(fd, DENIAL_MARKERS, 4096, true);
      const first = (await scanner.next())!;
      expect(first.facts![0]).toBe(1);
      expect(first.facts![1]).toBe(0);
      // Time for the read ahead to be done before the templates come.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const template: RenderTemplate = {
        key: 1,
        before: '{"time":',
        afterTime: ',"pid":',
        pid: null,
        afterPid: ',"raw":',
        tail: Buffer.from('}\n'),
      };
      const second = (await scanner.next([template]))!;
      const sights = second.facts!.filter((_, i) => i % FACTS_PER_LINE === 1);
      expect(sights.length).toBeGreaterThan(5);
      expect(new Set(sights)).toEqual(new Set([2]));
      expect(second.text).toBe('');
      const rendered = second.rendered!.toString('latin1').split('\n');
      expect(rendered[0]).toMatch(
        /^\{"time":"2025-11-22T10:02:30\.\d{3}Z","pid":\d+,"raw":"Nov 22 10:02:30 devbox kernel: audit: type=1400 .*pid=\d+ comm=\\"c\\""\}$/,
      );
      let rest = 0;
      for (let chunk = await scanner.next(); chunk !== null; chunk = await scanner.next())
        rest += chunk.candidates;
      expect(first.candidates + second.candidates + rest).toBe(400);
      await scanner.close();
    });
  });

  it('close() settles once no read is under way, and the scanner refuses next() after it', async () => {
    const path = writeLog();
    await withDescriptor(path, async (fd) => {
      const scanner = new addon.CandidateScanner(fd, DENIAL_MARKERS, 48 << 10, true);
      expect(await scanner.next()).not.toBeNull();
      // The chunk after it is being read: close() waits for that read, then the descriptor may go.
      await scanner.close();
      await scanner.close();
      expect(() => scanner.next()).toThrow('CandidateScanner: next() after close()');
    });
  });

  it('refuses a second next() while the first is under way', async () => {
    const path = writeLog();
    await withDescriptor(path, async (fd) => {
      const scanner = new addon.CandidateScanner(fd, DENIAL_MARKERS, 48 << 10, true);
      const first = scanner.next();
      expect(() => scanner.next()).toThrow('CandidateScanner: next() while a read is under way');
      expect(await first).not.toBeNull();
      await scanner.close();
    });
  });
});

describe('native scan recycle()', () => {
  it('takes a chunk’s Buffers back early: later chunks write into their memory, the others stay as they were', async () => {
    const path = writeLog();
    const withoutRecycling = await scan(path, () => true);
    await withDescriptor(path, async (fd) => {
      const scanner = new addon.CandidateScanner(fd, DENIAL_MARKERS, 48 << 10, true);
      const copies: Copied[] = [];
      const kept: { chunk: NativeChunk; copied: Copied }[] = [];
      let templates: RenderTemplate[] = [];
      let recycled = 0;
      for (let index = 0; ; index++) {
        const chunk = await scanner.next(templates);
        if (chunk === null) break;
        const copied = copy(chunk);
        copies.push(copied);
        templates = [];
        for (let at = 0; at < chunk.facts!.length; at += FACTS_PER_LINE) {
          if (chunk.facts![at] !== 0 && chunk.facts![at + 1] === 0)
            templates.push(templateFor(chunk.facts![at]!));
        }
        if (index % 2 === 0) {
          kept.push({ chunk, copied });
          continue;
        }
        // A view is not the Buffer: refused, and nothing is taken back.
        if (chunk.rendered!.length > 1) expect(scanner.recycle(chunk.rendered!.subarray(1))).toBe(false);
        if (chunk.rendered!.length > 0 && scanner.recycle(chunk.rendered!)) recycled++;
        if (chunk.textBytes!.length > 0) expect(scanner.recycle(chunk.textBytes!)).toBe(true);
        expect(scanner.recycle(chunk.textBytes!)).toBe(false);
      }
      expect(recycled).toBeGreaterThan(10);
      expect(scanner.buffersReused()).toBeGreaterThan(20);
      for (const { chunk, copied } of kept) expect(copy(chunk)).toEqual(copied);
      expect(copies).toEqual(withoutRecycling.copies);
      expect(() => scanner.recycle('x' as unknown as Buffer)).toThrow(
        "CandidateScanner: recycle() takes a chunk's Buffer",
      );
      expect(scanner.recycle(Buffer.from('not the scanner’s'))).toBe(false);
      await scanner.close();
    });
  });
});

describe('CandidateBatch.release()', () => {
  it('gives a keyed batch’s Buffers back once copied, and the batches after it are those of a scan without it', async () => {
    const path = writeLog();
    const batches = async (
      release: boolean,
    ): Promise<{ lines: string[]; text: string; rendered: string }[]> => {
      const out: { lines: string[]; text: string; rendered: string }[] = [];
      let templates: RenderTemplate[] = [];
      for await (const batch of scanCandidatesNative(addon, path, DENIAL_MARKERS, undefined, 48 << 10, {
        keyed: true,
        templates: () => templates,
      })) {
        out.push({
          lines: [...batch.lines],
          text: batch.text!.toString('latin1'),
          rendered: batch.rendered!.toString('latin1'),
        });
        templates = [];
        for (let at = 0; at < batch.facts!.length; at += FACTS_PER_LINE) {
          if (batch.facts![at] !== 0 && batch.facts![at + 1] === 0)
            templates.push(templateFor(batch.facts![at]!));
        }
        if (release) batch.release!();
      }
      return out;
    };
    const released = await batches(true);
    expect(released.length).toBeGreaterThan(30);
    expect(released.reduce((sum, b) => sum + b.rendered.length, 0)).toBeGreaterThan(1 << 20);
    expect(released).toEqual(await batches(false));
  });
});
