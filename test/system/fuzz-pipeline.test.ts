// 1,000,000 mutated real lines and noise through the whole scan pipeline scanlog --file uses
// (candidate scan of the file ─▶ parse ─▶ filter ─▶ enrich ─▶ JSON lines), in worker threads
// running the built modules, one share of the lines per core; then
// the real CLI on 100,000 of them. Every line must be accounted for, and the counts must agree
// with an independent parseLine tally of the very lines the reader hands over.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLine } from '../../src/parse/index.js';
import { ROOT, ensureBuilt } from '../support/build.js';
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

/** Writes the `count` fuzz lines of `seed` into `parts` files of equal share; returns their paths. */
async function writeFuzzParts(name: string, seed: number, count: number, parts: number): Promise<string[]> {
  const share = Math.ceil(count / parts);
  const paths: string[] = [];
  let chunks: string[] = [];
  const flush = async (): Promise<void> => {
    const path = join(work, `${name}.${paths.length}`);
    await writeFile(path, `${chunks.join('\n')}\n`);
    paths.push(path);
    chunks = [];
  };
  for (const line of fuzzLines({ seed, count })) {
    chunks.push(line);
    if (chunks.length % 20_000 === 0) await breather();
    if (chunks.length === share) await flush();
  }
  if (chunks.length > 0) await flush();
  return paths;
}

interface ShareResult {
  readonly stats: { lines: number; denials: number; unparsed: number; shown: number };
  readonly jsonLines: number;
  readonly withSuggestions: number;
  readonly tally: { lines: number; denials: number; unparsed: number };
}

/** One share through the built pipeline in a worker thread (support/fuzz-pipeline-worker.mjs). */
function runShare(path: string): Promise<ShareResult> {
  const worker = new Worker(new URL('./support/fuzz-pipeline-worker.mjs', import.meta.url), {
    workerData: { dist: join(ROOT, 'dist/src'), path },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: ShareResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`fuzz worker exited with ${code} before reporting`)));
  });
}

describe('fuzzed lines through the whole pipeline', () => {
  it('1,000,000 lines: no exception, every line accounted for, the counts agree with parseLine', async () => {
    // One share per core: the lines are those of one 1,000,000-line run of the generator.
    const shares = Math.max(1, Math.min(availableParallelism(), 4));
    const paths = await writeFuzzParts('fuzz-1m.log', 20261122, 1_000_000, shares);
    const results = await Promise.all(paths.map(runShare));
    const sum = (pick: (r: ShareResult) => number): number =>
      results.reduce((total, r) => total + pick(r), 0);
    const stats = {
      lines: sum((r) => r.stats.lines),
      denials: sum((r) => r.stats.denials),
      unparsed: sum((r) => r.stats.unparsed),
      shown: sum((r) => r.stats.shown),
    };
    const expected = {
      lines: sum((r) => r.tally.lines),
      denials: sum((r) => r.tally.denials),
      unparsed: sum((r) => r.tally.unparsed),
    };
    const jsonLines = sum((r) => r.jsonLines);
    const withSuggestions = sum((r) => r.withSuggestions);
    const ignored = stats.lines - stats.denials - stats.unparsed;
    expect(stats.lines).toBe(1_000_000);
    expect(expected.lines).toBe(1_000_000);
    expect({ denials: stats.denials, unparsed: stats.unparsed, ignored }).toEqual({
      denials: expected.denials,
      unparsed: expected.unparsed,
      ignored: expected.lines - expected.denials - expected.unparsed,
    });
    expect(jsonLines).toBe(stats.shown);
    // The mix is hostile enough to matter: many denials, many unparsed, many ignored lines.
    expect(stats.denials).toBeGreaterThan(300_000);
    expect(stats.unparsed).toBeGreaterThan(10_000);
    expect(ignored).toBeGreaterThan(200_000);
    expect(withSuggestions).toBeGreaterThan(10_000);
    console.log(
      `fuzz-pipeline: ${stats.lines} lines in ${shares} shares, ${stats.denials} denials (${stats.shown} shown, ` +
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
