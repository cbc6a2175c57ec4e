import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyslog } from '../../bench/gen-syslog.mjs';
import { ensureBuilt, ROOT } from '../support/build.js';

// A saved file's bulk replay loads its bundle (dist/src/suggest/scanlog-replay.cjs) through the
// V8 code cache the build warmed: the cache must be taken under a replay's V8 flags, and a replay
// with a spoilt cache, without one, or without the bundle (the ES modules) must print the same.
let copy: string;
let log: string;
const suggestDir = () => join(copy, 'dist/src/suggest');
const bundlePath = () => join(suggestDir(), 'scanlog-replay.cjs');
const cachePath = () => join(suggestDir(), 'scanlog-replay.cache');

beforeAll(async () => {
  ensureBuilt();
  // A copy of the package, so that spoiling its files cannot disturb other runs of dist/.
  copy = mkdtempSync('/var/tmp/snappy-debug-package.');
  for (const part of ['dist', 'rules', 'package.json'])
    cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'native'), join(copy, 'native'));
  log = join(copy, 'syslog.log');
  await generateSyslog(log, 60_000);
}, 120_000);
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

/** Whether a node with a replay's V8 flags (scan/batch-tuning.ts) takes the cache. */
function cacheTaken(tuned: boolean): boolean {
  const tuning = pathToFileURL(join(copy, 'dist/src/scan/batch-tuning.js')).href;
  const loader = pathToFileURL(join(copy, 'dist/src/launch/code-cache.js')).href;
  const script = `import { tuneForBatchReplay } from ${JSON.stringify(tuning)};
    import { loadCachedBundle } from ${JSON.stringify(loader)};
    ${tuned ? 'tuneForBatchReplay();' : ''}
    const b = loadCachedBundle({ bundlePath: ${JSON.stringify(bundlePath())}, cachePath: ${JSON.stringify(cachePath())} });
    process.stdout.write(String(b.cacheUsed));`;
  return (
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }) === 'true'
  );
}

/** A replay of the log with its suggestions on the thread (or, thread '0', on the main thread). */
function replay(
  args: readonly string[],
  thread = '1',
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [join(copy, 'dist/src/main.js'), 'scanlog', '--file', log, '--no-follow', '--keep-ratelimit', ...args],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, SNAPPY_DEBUG_SUGGEST_THREAD: thread },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scanlog replay through the code cache', () => {
  it('is taken by this node under a replay’s V8 flags, and only under them', () => {
    expect(cacheTaken(true)).toBe(true);
    expect(cacheTaken(false)).toBe(false);
  });

  it('is the bundle a replay runs', () => {
    const built = readFileSync(bundlePath());
    try {
      writeFileSync(bundlePath(), "throw new Error('the replay bundle was loaded');\n");
      const run = replay(['--json']);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('snappy-debug: the replay bundle was loaded\n');
    } finally {
      writeFileSync(bundlePath(), built);
    }
  });

  it('holds the replay without the suggestion engine (its suggestions come from the suggestion thread)', () => {
    // esbuild heads each module's code with a comment naming its source.
    const modules = [...readFileSync(bundlePath(), 'utf8').matchAll(/^\/\/ (src\/\S+\.ts)$/gm)].map(
      (m) => m[1],
    );
    expect(modules).toContain('src/scan/threaded-pipeline.ts');
    expect(modules).toContain('src/seccomp/resolve.ts');
    expect(modules.filter((name) => name!.startsWith('src/suggest/'))).toEqual(['src/suggest/access.ts']);
  });

  it('prints the same with the cache, a spoilt one, none, without the bundle and on the main thread', () => {
    const built = readFileSync(cachePath());
    const runs = (): { status: number | null; stdout: string; stderr: string }[] => [
      replay(['--json']),
      replay([]),
    ];
    const cached = runs();
    for (const run of cached) expect(run.status, run.stderr).toBe(0);
    expect(cached[0]!.stdout.split('\n').length).toBeGreaterThan(1000);
    expect(cached[0]!.stderr).toMatch(/^INFO: reading .*\nscanlog: 60000 lines, \d+ denials/);
    // A replay does not touch the cache.
    expect(readFileSync(cachePath()).equals(built)).toBe(true);
    expect([replay(['--json'], '0'), replay([], '0')]).toEqual(cached);

    // The file holds the bundle's length (4 bytes), the bundle, then V8's data: spoil the latter.
    const v8Start = 4 + statSync(bundlePath()).size;
    expect(built.length).toBeGreaterThan(v8Start + 10_000);
    writeFileSync(
      cachePath(),
      Buffer.from(built.map((b, i) => (i >= v8Start && i % 5 === 0 ? b ^ 0x5a : b))),
    );
    expect(cacheTaken(true)).toBe(false);
    expect(runs()).toEqual(cached);

    rmSync(cachePath());
    expect(runs()).toEqual(cached);

    rmSync(bundlePath());
    expect(runs()).toEqual(cached);
  }, 120_000);
});
