// appendJsonLine (a line's bytes, template text copied) must give formatJsonLine's text as UTF-8,
// and FdWriter must write exactly what it was given, in order.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyslog } from '../../../bench/gen-syslog.mjs';
import type { Denial } from '../../../src/model/denial.js';
import { ByteBatch } from '../../../src/output/byte-batch.js';
import { FdWriter } from '../../../src/output/fd-writer.js';
import { appendJsonLine, formatJsonLine } from '../../../src/output/json.js';
import { parseLine } from '../../../src/parse/index.js';
import { rulesDir } from '../../../src/paths.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { loadRules } from '../../../src/suggest/index.js';
import { seedLines } from '../../support/mutate.mjs';
import { ROOT } from '../../support/build.js';

let dir: string;
let denials: Denial[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'json-bytes-'));
  const generated = join(dir, 'generated.log');
  await generateSyslog(generated, 30_000);
  const fixtures = ['test/fixtures/lines/real-world.yaml', 'test/fixtures/corpus/denials.yaml'].flatMap(
    (path) =>
      (parseYaml(readFileSync(join(ROOT, path), 'utf8')) as { line: string }[]).map((entry) => entry.line),
  );
  const seeds = seedLines().map((line) => line.replace(/\n/g, ' '));
  // Non-ASCII and escaped text in the raw line and the path: multi-byte UTF-8 and JSON escapes.
  const odd = seeds
    .filter((line) => line.includes('name="/'))
    .slice(0, 20)
    .map((line, i) => line.replace('name="/', `name="/tmp/ünï\\cødé-${i}-\u{1f600}/`));
  const enricher = new Enricher(loadRules(rulesDir(), { cacheDir: false }));
  const lines = [...fixtures, ...seeds, ...seeds, ...odd, ...readFileSync(generated, 'utf8').split('\n')];
  denials = lines.flatMap((line) => {
    const parsed = parseLine(line, 'file');
    return parsed.kind === 'denial' ? [enricher.enrichOwned(parsed.denial, 'file')] : [];
  });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('appendJsonLine', () => {
  it("appends formatJsonLine's text as UTF-8 for every denial, repeats and multi-byte text included", () => {
    expect(denials.length).toBeGreaterThan(500);
    expect(denials.some((d) => d.raw.includes('\u{1f600}'))).toBe(true);
    for (const denial of denials) {
      const batch = new ByteBatch(64);
      appendJsonLine(denial, batch);
      expect(batch.take().toString('utf8')).toBe(formatJsonLine(denial));
    }
  });

  it('gives the same bytes in one growing batch as line by line', () => {
    const batch = new ByteBatch(16);
    for (const denial of denials) appendJsonLine(denial, batch);
    expect(batch.take().equals(Buffer.from(denials.map(formatJsonLine).join('')))).toBe(true);
  });
});

describe('FdWriter', () => {
  it('writes everything to the descriptor in order, in batches', () => {
    const path = join(dir, 'out.jsonl');
    const fd = openSync(path, 'w');
    const stream = new PassThrough();
    const writer = new FdWriter(fd, stream);
    const expected: string[] = [];
    for (const denial of denials) {
      appendJsonLine(denial, writer.batch);
      expect(writer.flushIfFull()).toBeUndefined();
      expected.push(formatJsonLine(denial));
      writer.write('text line\n');
      expected.push('text line\n');
    }
    expect(writer.flush()).toBeUndefined();
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(expected.join(''));
    expect(stream.read()).toBeNull();
  });

  it('hands what a non-blocking pipe refuses (EAGAIN) to the stream, and the caller waits for it', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Read and write ends in one non-blocking descriptor: nobody reads, so the pipe fills up.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const stream = new PassThrough();
    let throughStream = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (throughStream += chunk));
    const writer = new FdWriter(fd, stream);
    const text = Array.from({ length: 40_000 }, (_, i) => `line ${i}\n`).join('');
    writer.write(text);
    const wait = writer.flush();
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    const inPipe = Buffer.alloc(text.length);
    const inPipeLength = readSync(fd, inPipe);
    closeSync(fd);
    expect(inPipeLength).toBeGreaterThan(0);
    expect(inPipe.toString('utf8', 0, inPipeLength) + throughStream).toBe(text);
  });

  it('throws what is neither EAGAIN nor EPIPE (a descriptor open for reading only)', () => {
    const path = join(dir, 'read-only');
    closeSync(openSync(path, 'w'));
    const readOnly = openSync(path, 'r');
    const writer = new FdWriter(readOnly, new PassThrough());
    writer.write('x');
    expect(() => writer.flush()).toThrow(/EBADF/);
    closeSync(readOnly);
  });
});
