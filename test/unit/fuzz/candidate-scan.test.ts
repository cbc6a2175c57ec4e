// Property test of the saved-file fast path (sources/candidate-scan.ts): on fuzzed files it hands
// over exactly the lines holding a marker, counts the rest, and never drops a line the parser
// would have called a denial or unparsed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DENIAL_MARKERS, parseLine } from '../../../src/parse/index.js';
import { scanCandidates } from '../../../src/sources/candidate-scan.js';
import { fuzzLines } from '../../support/mutate.mjs';

const work = mkdtempSync('/tmp/snappy-debug-scan-fuzz.');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('scanCandidates (fuzz)', { timeout: 60_000 }, () => {
  it('fuzzed files: candidates are exactly the marker lines, every other line is counted', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        fc.boolean(),
        async (seed, count, crlf, finalNewline) => {
          const lines = [...fuzzLines({ seed, count })];
          const path = join(work, `f${run++}`);
          const sep = crlf ? '\r\n' : '\n';
          const content = finalNewline && lines.length > 0 ? `${lines.join(sep)}${sep}` : lines.join(sep);
          writeFileSync(path, content);
          // What the reader promises: the text split on \n, one trailing \r dropped, no empty last line.
          const read = Buffer.from(content, 'utf8')
            .toString('utf8')
            .split('\n')
            .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
          if (content.length === 0 || content.endsWith('\n')) read.pop();
          const expected = read.filter((line) => DENIAL_MARKERS.some((m) => line.includes(m)));
          const candidates: string[] = [];
          let skipped = 0;
          for await (const batch of scanCandidates(path, DENIAL_MARKERS)) {
            candidates.push(...batch.lines);
            skipped += batch.skipped;
          }
          expect(candidates).toEqual(expected);
          expect(candidates.length + skipped).toBe(read.length);
          const kept = new Set(candidates);
          for (const line of read)
            if (parseLine(line).kind !== 'other' && !kept.has(line)) throw new Error(`dropped ${line}`);
        },
      ),
      { numRuns: 20 },
    );
  });
});
