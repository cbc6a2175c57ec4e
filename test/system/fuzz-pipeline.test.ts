// 1,000,000 mutated real lines and noise through the whole scan pipeline scanlog --file uses
// (candidate scan of the file ─▶ parse ─▶ filter ─▶ enrich ─▶ JSON lines), in process; then
// the real CLI on 100,000 of them. Every line must be accounted for, and the counts must agree
// with an independent parseLine tally of the very lines the reader hands over.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Denial } from '../../src/model/denial.js';
import { formatJsonLine } from '../../src/output/json.js';
import { DENIAL_MARKERS, parseLine } from '../../src/parse/index.js';
import { rulesCacheDir, rulesDir } from '../../src/paths.js';
import { Enricher } from '../../src/scan/enrich.js';
import { denialsFromBatches } from '../../src/scan/pipeline.js';
import { newScanStats } from '../../src/scan/stats.js';
import { scanCandidates } from '../../src/sources/candidate-scan.js';
import { loadRules } from '../../src/suggest/index.js';
import { ensureBuilt } from '../support/build.js';
import { fuzzLines } from '../support/mutate.mjs';
import { CLI } from './support/cli.js';

const execFileAsync = promisify(execFile);
let work: string;

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync('/var/tmp/snappy-debug-fuzz.');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Hands the event loop back now and then: a long synchronous stretch starves vitest's worker RPC. */
const breather = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Writes `count` fuzz lines; returns the path. */
async function writeFuzzFile(name: string, seed: number, count: number): Promise<string> {
  const path = join(work, name);
  const chunks: string[] = [];
  for (const line of fuzzLines({ seed, count })) {
    chunks.push(line);
    if (chunks.length % 20_000 === 0) await breather();
  }
  await writeFile(path, `${chunks.join('\n')}\n`);
  return path;
}

/** The lines as any reader of the file sees them: split on \n, a trailing \r dropped. */
function linesOf(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

interface Tally {
  readonly lines: number;
  readonly denials: number;
  readonly unparsed: number;
  readonly other: number;
}

async function tally(lines: readonly string[]): Promise<Tally> {
  let denials = 0;
  let unparsed = 0;
  for (let i = 0; i < lines.length; i++) {
    if (i % 20_000 === 0) await breather();
    const kind = parseLine(lines[i]!, 'file').kind;
    if (kind === 'denial') denials++;
    else if (kind === 'unparsed') unparsed++;
  }
  return { lines: lines.length, denials, unparsed, other: lines.length - denials - unparsed };
}

describe('fuzzed lines through the whole pipeline', () => {
  it('1,000,000 lines: no exception, every line accounted for, the counts agree with parseLine', async () => {
    const path = await writeFuzzFile('fuzz-1m.log', 20261122, 1_000_000);
    const stats = newScanStats();
    const enricher = new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() }));
    let jsonLines = 0;
    let withSuggestions = 0;
    const stream = denialsFromBatches(scanCandidates(path, DENIAL_MARKERS), {
      filter: { includeUnconfined: false },
      enricher,
      stats,
    });
    for await (const denial of stream as AsyncIterable<Denial>) {
      const json = formatJsonLine(denial);
      if (!json.endsWith('\n') || json.indexOf('\n') !== json.length - 1) throw new Error('JSON spans lines');
      const record = JSON.parse(json) as { raw: string; suggestions: unknown[] };
      if (record.raw !== denial.raw) throw new Error('JSON raw differs from the line');
      if (record.suggestions.length > 0) withSuggestions++;
      jsonLines++;
    }

    const expected = await tally(linesOf(path));
    const ignored = stats.lines - stats.denials - stats.unparsed;
    expect(stats.lines).toBe(1_000_000);
    expect(expected.lines).toBe(1_000_000);
    expect({ denials: stats.denials, unparsed: stats.unparsed, ignored }).toEqual({
      denials: expected.denials,
      unparsed: expected.unparsed,
      ignored: expected.other,
    });
    expect(stats.denials + stats.unparsed + ignored).toBe(stats.lines);
    expect(jsonLines).toBe(stats.shown);
    // The mix is hostile enough to matter: many denials, many unparsed, many ignored lines.
    expect(stats.denials).toBeGreaterThan(300_000);
    expect(stats.unparsed).toBeGreaterThan(10_000);
    expect(ignored).toBeGreaterThan(200_000);
    expect(withSuggestions).toBeGreaterThan(10_000);
    console.log(
      `fuzz-pipeline: ${stats.lines} lines, ${stats.denials} denials (${stats.shown} shown, ` +
        `${withSuggestions} with suggestions), ${stats.unparsed} unparsed, ${ignored} ignored`,
    );
  }, 900_000);

  it('scanlog --file on 100,000 lines: exit 0, its stats line agrees with parseLine', async () => {
    const path = await writeFuzzFile('fuzz-100k.log', 8, 100_000);
    // Rejects, failing the test, unless scanlog exits 0.
    const result = await execFileAsync(
      process.execPath,
      [CLI, 'scanlog', '--file', path, '--no-follow', '--json', '--include-unconfined'],
      { encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    const expected = await tally(linesOf(path));
    const statsLine = result.stderr.trim().split('\n').at(-1);
    expect(statsLine).toBe(
      `scanlog: ${expected.lines} lines, ${expected.denials} denials (${expected.denials} shown), ${expected.unparsed} unparsed`,
    );
    const out = result.stdout.split('\n');
    expect(out.pop()).toBe('');
    expect(out.length).toBe(expected.denials);
    for (const line of out) JSON.parse(line);
  }, 600_000);
});
