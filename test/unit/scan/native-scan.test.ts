import {
  closeSync,
  existsSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DENIAL_MARKERS } from '../../../src/parse/index.js';
import type { ScanAddon } from '../../../src/scan/native-scan.js';
import {
  scanCandidatesJs,
  scanCandidatesNative,
  type CandidateBatch,
} from '../../../src/sources/candidate-scan.js';
import { ROOT } from '../../support/build.js';
import { builtScanAddon } from '../../support/scan-addon.js';

const dir = mkdtempSync(join(tmpdir(), 'native-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let addon: ScanAddon;
beforeAll(() => {
  addon = builtScanAddon();
}, 120_000);

interface Scanned {
  readonly lines: string[];
  readonly total: number;
}

async function collect(batches: AsyncIterable<CandidateBatch>): Promise<Scanned> {
  const lines: string[] = [];
  let total = 0;
  for await (const batch of batches) {
    lines.push(...batch.lines);
    total += batch.lines.length + batch.skipped;
  }
  return { lines, total };
}

function lastBytes(path: string, limit: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, limit));
    const read = readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function write(content: Buffer): string {
  const path = join(dir, 'log');
  writeFileSync(path, content);
  return path;
}

// Whole markers, their pieces, look-alikes, line ends and bytes that are not UTF-8.
const PIECES = [
  ...DENIAL_MARKERS,
  ...DENIAL_MARKERS.map((marker) => marker.slice(0, -1)),
  ...DENIAL_MARKERS.map((marker) => marker.slice(1)),
  'apparmor',
  'type=2',
  'TYPE=1',
  'UNKNOWN[14',
  '\n',
  '\n',
  '\r\n',
  '\r',
  ' ',
  'x',
  '=',
  '"',
  'é',
  '\u{1f600}',
].map((piece) => Buffer.from(piece, 'utf8'));
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)) },
);

describe('native candidate scan', () => {
  it('selects exactly the lines the JavaScript scan selects, whatever the chunk edges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 120 }),
        fc.oneof(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 49, max: 4096 })),
        async (pieces, chunkBytes) => {
          const path = write(Buffer.concat(pieces));
          const native = await collect(
            scanCandidatesNative(addon, path, DENIAL_MARKERS, undefined, chunkBytes),
          );
          expect(native).toEqual(await collect(scanCandidatesJs(path, DENIAL_MARKERS)));
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000);

  it('finds markers in long lines and long runs of noise (the vector filter, not the tail loop)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 300 }), fc.constantFrom(...PIECES)), { maxLength: 30 }),
        fc.integer({ min: 64, max: 1024 }),
        async (runs, chunkBytes) => {
          const path = write(
            Buffer.concat(runs.flatMap(([noise, bytes]) => [Buffer.alloc(noise, 'abc defgh:'), bytes])),
          );
          const native = await collect(
            scanCandidatesNative(addon, path, DENIAL_MARKERS, undefined, chunkBytes),
          );
          expect(native).toEqual(await collect(scanCandidatesJs(path, DENIAL_MARKERS)));
        },
      ),
      { numRuns: 200 },
    );
  }, 60_000);

  it('selects what the JavaScript scan selects for any set of markers (the fingerprint search and its fallbacks)', async () => {
    // Few distinct characters, so that markers overlap, share bytes and appear by chance.
    const alphabet = fc.constantFrom('a', 'b', 'Z', '=', '[', '"', '_', 'é', '\r', '\t', '\0', ' ');
    const marker = fc.array(alphabet, { minLength: 1, maxLength: 10 }).map((chars) => chars.join(''));
    const content = (markers: readonly string[]) =>
      fc.array(
        fc.oneof(
          fc.constantFrom(...markers, '\n', '\r\n'),
          alphabet,
          fc.nat({ max: 70 }).map((length) => 'b'.repeat(length)),
          fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
        ),
        { maxLength: 150 },
      );
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(marker, { minLength: 1, maxLength: 10 })
          .chain((markers) =>
            fc.tuple(fc.constant(markers), content(markers), fc.integer({ min: 1, max: 600 })),
          ),
        async ([markers, pieces, chunkBytes]) => {
          const path = write(
            Buffer.concat(pieces.map((text) => Buffer.from(text, text.length === 1 ? 'utf8' : 'latin1'))),
          );
          const native = await collect(scanCandidatesNative(addon, path, markers, undefined, chunkBytes));
          expect(native).toEqual(await collect(scanCandidatesJs(path, markers)));
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000);

  it('finds a marker at every offset around the 32-byte blocks, in every line and at the end of the file', async () => {
    for (const marker of DENIAL_MARKERS) {
      const lines: string[] = [];
      for (let offset = 0; offset < 100; offset++) {
        lines.push('n'.repeat(offset), `${'w'.repeat(offset)}${marker}${'t'.repeat(offset % 7)}`);
      }
      for (const tail of ['\n', '\r\n', '']) {
        const path = write(Buffer.from(lines.join('\n') + tail));
        for (const chunkBytes of [4096, 61]) {
          const native = await collect(
            scanCandidatesNative(addon, path, DENIAL_MARKERS, undefined, chunkBytes),
          );
          expect(native.lines).toHaveLength(100);
          expect(native).toEqual(await collect(scanCandidatesJs(path, DENIAL_MARKERS)));
        }
      }
    }
  });

  it('takes any markers it is given, more than the vector filter holds included', async () => {
    const markers = ['a=', 'Zz', 'q', ...'BCDEFGHIJ'.split('').map((letter) => `${letter}${letter}`)];
    const text = 'xa= 1\nnone\nZz\nplain q\nxxCC\nyy\nJJ\r\nlast a';
    const path = write(Buffer.from(text));
    const native = await collect(scanCandidatesNative(addon, path, markers, undefined, 7));
    expect(native).toEqual({ lines: ['xa= 1', 'Zz', 'plain q', 'xxCC', 'JJ'], total: 8 });
    expect(native).toEqual(await collect(scanCandidatesJs(path, markers)));
  });

  it('selects the same lines as the JavaScript scan on the benchmark log and on this machine’s logs', async () => {
    // The logs may grow while the test reads them (the system's, and the benchmark log another test
    // may be generating): both scans read one copy of their last 16 MiB (a flood can make them
    // hundreds of megabytes), which may start in mid-line.
    const files = [join(ROOT, 'bench/out/syslog-1m.log'), '/var/log/kern.log', '/var/log/syslog']
      .filter((path) => existsSync(path))
      .map((path, index) => {
        const copy = join(dir, `log-${index}.log`);
        writeFileSync(copy, lastBytes(path, 16 << 20));
        return copy;
      });
    expect(files.length).toBeGreaterThan(0);
    for (const path of files) {
      const native = await collect(scanCandidatesNative(addon, path, DENIAL_MARKERS));
      const js = await collect(scanCandidatesJs(path, DENIAL_MARKERS));
      expect(native.total).toBe(js.total);
      expect(native.lines.length).toBe(js.lines.length);
      expect(native.lines).toEqual(js.lines);
    }
  }, 60_000);

  it('says which file it cannot read, as the JavaScript scan does', async () => {
    await expect(scanCandidatesNative(addon, join(dir, 'nope'), ['x']).next()).rejects.toThrow(
      `cannot read ${join(dir, 'nope')}: no such file`,
    );
    await expect(scanCandidatesNative(addon, dir, ['x']).next()).rejects.toThrow(
      `cannot read ${dir}: is a directory`,
    );
  });

  it('is left aside for the JavaScript scan when SNAPPY_DEBUG_JS_SCAN=1, and scanCandidates still works', async () => {
    vi.resetModules();
    vi.stubEnv('SNAPPY_DEBUG_JS_SCAN', '1');
    try {
      const fresh = await import('../../../src/scan/native-scan.js');
      expect(fresh.scanAddon()).toBeNull();
      const { scanCandidates } = await import('../../../src/sources/candidate-scan.js');
      const path = write(Buffer.from('noise\naudit: type=1326 x=1\n'));
      expect(await collect(scanCandidates(path, DENIAL_MARKERS))).toEqual({
        lines: ['audit: type=1326 x=1'],
        total: 2,
      });
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });

  it('refuses arguments it cannot use with a clear error', () => {
    expect(() => new addon.CandidateScanner(0, [''], 10)).toThrow('every marker must be a non-empty string');
    expect(() => new addon.CandidateScanner(0, ['x'], 0)).toThrow('1 B to 1 GiB chunks');
  });
});
