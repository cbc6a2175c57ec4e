import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyslog } from '../../bench/gen-syslog.mjs';
import type { Denial } from '../../src/model/denial.js';
import { DENIAL_MARKERS } from '../../src/parse/index.js';
import { rulesCacheDir, rulesDir } from '../../src/paths.js';
import { Enricher } from '../../src/scan/enrich.js';
import { denialsFromBatches } from '../../src/scan/pipeline.js';
import { newScanStats } from '../../src/scan/stats.js';
import {
  startSuggestionThread,
  SuggestionThread,
  THREAD_MIN_BYTES,
} from '../../src/scan/suggestion-thread.js';
import { denialBatchesThreaded } from '../../src/scan/threaded-pipeline.js';
import { scanCandidates } from '../../src/sources/candidate-scan.js';
import { loadRules } from '../../src/suggest/index.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { CLI } from './support/cli.js';

// A saved file's suggestions are made on a worker thread (scan/suggestion-thread.ts) while the
// main thread parses: the output must be byte for byte what the main thread alone prints.

let dir: string;
let fixtures: string;
let realistic: string;
let distinct: string;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'scanlog-threaded-'));
  const read = (path: string): string[] =>
    (parseYaml(readFileSync(join(ROOT, path), 'utf8')) as { line: string }[]).map((entry) => entry.line);
  fixtures = join(dir, 'fixtures.log');
  const lines = [
    ...read('test/fixtures/lines/real-world.yaml'),
    ...read('test/fixtures/corpus/denials.yaml'),
  ];
  // Twice: the second round meets every access again (answered long before).
  writeFileSync(fixtures, `${[...lines, ...lines].join('\n')}\n`);
  realistic = join(dir, 'realistic.log');
  await generateSyslog(realistic, 200_000);
  distinct = join(dir, 'distinct.log');
  await generateSyslog(distinct, 60_000, 0.02, { distinct: true });
  // Else both runs below would make their suggestions on the main thread.
  expect(existsSync(join(ROOT, 'dist/src/scan/suggest-worker.js'))).toBe(true);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs scanlog on `file`, with its suggestions on a thread unless `env` says otherwise (the files here are small). */
function scanlog(file: string, args: readonly string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [CLI, 'scanlog', '--file', file, '--no-follow', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, SNAPPY_DEBUG_SUGGEST_THREAD: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('scanlog --file prints the same with suggestions made on a thread as without', () => {
  const files = () => ({ fixtures, realistic, distinct });
  it.each(['fixtures', 'realistic', 'distinct'] as const)(
    '%s: JSON and text, all snaps',
    (name) => {
      const file = files()[name];
      for (const args of [['--json', '--include-unconfined'], ['--include-unconfined']]) {
        const threaded = scanlog(file, args);
        const alone = scanlog(file, args, { SNAPPY_DEBUG_SUGGEST_THREAD: '0' });
        expect(threaded.length).toBeGreaterThan(1000);
        expect(threaded === alone).toBe(true);
      }
    },
    60_000,
  );

  it('also with the JavaScript scan and a snap filter', () => {
    const threaded = scanlog(realistic, ['--json', 'spotify'], { SNAPPY_DEBUG_JS_SCAN: '1' });
    const alone = scanlog(realistic, ['--json', 'spotify'], {
      SNAPPY_DEBUG_JS_SCAN: '1',
      SNAPPY_DEBUG_SUGGEST_THREAD: '0',
    });
    expect(threaded).toContain('"snap":"spotify"');
    expect(threaded === alone).toBe(true);
  }, 60_000);
});

describe('scanlog --file writes straight to its output descriptor', () => {
  it('ends quietly with status 0 when the reader closes early (| head)', () => {
    const result = execFileSync(
      'bash',
      [
        '-c',
        'node "$1" scanlog --file "$2" --no-follow --json | head -c 100 >/dev/null; echo "${PIPESTATUS[0]}"',
        'sh',
        CLI,
        realistic,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(result.trim()).toBe('0');
  });

  it('waits for a slow reader and loses nothing', () => {
    const all = scanlog(realistic, []);
    const slow = execFileSync(
      'bash',
      ['-c', 'node "$1" scanlog --file "$2" --no-follow 2>/dev/null | (sleep 1; cat)', 'sh', CLI, realistic],
      { encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    expect(slow === all).toBe(true);
  }, 30_000);
});

describe('denialBatchesThreaded', () => {
  const workerEntry = join(ROOT, 'dist/src/scan/suggest-worker.js');
  const data = { rulesDir: rulesDir(), cacheDir: rulesCacheDir() };

  async function collect(stream: AsyncIterable<Denial | readonly Denial[]>): Promise<Denial[]> {
    const out: Denial[] = [];
    for await (const item of stream) {
      if (Array.isArray(item)) out.push(...(item as readonly Denial[]));
      else out.push(item as Denial);
    }
    return out;
  }

  it('waits for the thread when more denials than its bound wait, and gives the same denials', async () => {
    const filter = { includeUnconfined: true };
    const expectedStats = newScanStats();
    const expected = await collect(
      denialsFromBatches(scanCandidates(distinct, DENIAL_MARKERS), {
        filter,
        stats: expectedStats,
        enricher: new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() })),
      }),
    );
    const stats = newScanStats();
    const got = await collect(
      denialBatchesThreaded(scanCandidates(distinct, DENIAL_MARKERS), {
        filter,
        stats,
        thread: new SuggestionThread(workerEntry, data),
        maxWaiting: 16,
      }),
    );
    expect(got.length).toBeGreaterThan(1000);
    expect(got).toStrictEqual(expected);
    expect(stats).toStrictEqual(expectedStats);
  }, 60_000);

  it('is started for large files only, unless SNAPPY_DEBUG_SUGGEST_THREAD says otherwise', async () => {
    const saved = process.env.SNAPPY_DEBUG_SUGGEST_THREAD;
    try {
      delete process.env.SNAPPY_DEBUG_SUGGEST_THREAD;
      expect(startSuggestionThread(data, THREAD_MIN_BYTES - 1)).toBeUndefined();
      const large = startSuggestionThread(data, THREAD_MIN_BYTES);
      expect(large).toBeInstanceOf(SuggestionThread);
      await large?.close();
      process.env.SNAPPY_DEBUG_SUGGEST_THREAD = '0';
      expect(startSuggestionThread(data, THREAD_MIN_BYTES)).toBeUndefined();
      process.env.SNAPPY_DEBUG_SUGGEST_THREAD = '1';
      const forced = startSuggestionThread(data, 10);
      expect(forced).toBeInstanceOf(SuggestionThread);
      await forced?.close();
    } finally {
      if (saved === undefined) delete process.env.SNAPPY_DEBUG_SUGGEST_THREAD;
      else process.env.SNAPPY_DEBUG_SUGGEST_THREAD = saved;
    }
  });

  it('reports a thread that cannot start as one error', async () => {
    const thread = new SuggestionThread(join(dir, 'no-such-worker.js'), data);
    await expect(
      collect(
        denialBatchesThreaded(scanCandidates(fixtures, DENIAL_MARKERS), {
          filter: { includeUnconfined: true },
          stats: newScanStats(),
          thread,
        }),
      ),
    ).rejects.toThrow(/^suggestions: .*no-such-worker/);
  });
});
