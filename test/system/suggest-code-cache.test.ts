import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyslog } from '../../bench/gen-syslog.mjs';
import { ensureBuilt, ROOT } from '../support/build.js';

// The suggestion thread loads its engine through the V8 code cache the build wrote after warming
// it up (src/suggest/worker-start.ts): the cache must be taken by a thread of this node with the
// flags a replay sets, and a replay without it, or with a spoilt one, must print exactly the same.
let copy: string;
let logs: string[];
const enginePath = () => join(copy, 'dist/src/suggest/suggest-engine.cjs');
const cachePath = () => join(copy, 'dist/src/suggest/suggest-engine.cache');

beforeAll(async () => {
  ensureBuilt();
  // A copy of the package, so that spoiling its cache cannot disturb other runs of dist/.
  copy = mkdtempSync('/var/tmp/snappy-debug-package.');
  for (const part of ['dist', 'rules', 'scripts', 'package.json'])
    cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  // The copy's own rules cache (named after its rules directory) and engine cache, as a build makes them.
  execFileSync(process.execPath, [join(copy, 'scripts/prebuild-rules.mjs')], { cwd: copy, stdio: 'ignore' });
  const fixtures = join(copy, 'fixtures.log');
  const read = (path: string): string[] =>
    (parseYaml(readFileSync(join(ROOT, path), 'utf8')) as { line: string }[]).map((entry) => entry.line);
  const lines = [
    ...read('test/fixtures/lines/real-world.yaml'),
    ...read('test/fixtures/corpus/denials.yaml'),
  ];
  writeFileSync(fixtures, `${lines.join('\n')}\n`);
  const realistic = join(copy, 'realistic.log');
  await generateSyslog(realistic, 40_000);
  logs = [fixtures, realistic];
}, 120_000);
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

/** Whether a worker thread of a fresh node, after the replay's V8 tuning, takes the engine's cache. */
function cacheTaken(): boolean {
  const href = (path: string) => JSON.stringify(pathToFileURL(join(copy, path)).href);
  const worker = `const { parentPort } = await import('node:worker_threads');
    const { loadCachedBundle } = await import(${href('dist/src/launch/code-cache.js')});
    const bundle = loadCachedBundle({ bundlePath: ${JSON.stringify(enginePath())}, cachePath: ${JSON.stringify(cachePath())} });
    parentPort.postMessage(bundle.cacheUsed);`;
  // The engine serves as soon as it is loaded in a thread: it loads the copy's rules first.
  const workerData = { rulesDir: join(copy, 'rules'), cacheDir: join(copy, 'dist/rules-cache') };
  const script = `import { Worker } from 'node:worker_threads';
    const { tuneForBatchReplay } = await import(${href('dist/src/scan/batch-tuning.js')});
    tuneForBatchReplay();
    const worker = new Worker(${JSON.stringify(worker)}, { eval: true, workerData: ${JSON.stringify(workerData)} });
    worker.on('message', (used) => { process.stdout.write(String(used)); worker.terminate(); });`;
  return (
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }) === 'true'
  );
}

/** scanlog's stdout and stderr on every log, --json and text, with its suggestions on the thread (or not). */
function replays(thread = '1'): string[] {
  return logs.flatMap((log) =>
    [['--json'], []].map((format) => {
      const args = ['scanlog', '--file', log, '--no-follow', '--include-unconfined', ...format];
      const run = execFileSync(
        'sh',
        ['-c', 'node "$@" 2>&1', 'sh', join(copy, 'dist/src/main.js'), ...args],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 28,
          env: { ...process.env, SNAPPY_DEBUG_SUGGEST_THREAD: thread },
        },
      );
      return run;
    }),
  );
}

describe('the suggestion thread through its code cache', () => {
  it('is written by the build and taken by a replay thread of this node', () => {
    expect(statSync(cachePath()).size).toBeGreaterThan(statSync(enginePath()).size + 10_000);
    expect(cacheTaken()).toBe(true);
  });

  it('gives the same replay with the cache, with a spoilt one, without one, and on the main thread', () => {
    const mainThread = replays('0');
    expect(mainThread.every((out) => out.length > 1000)).toBe(true);
    const cached = replays();
    expect(cached).toEqual(mainThread);

    // The file holds the bundle's length (4 bytes), the bundle, then V8's data: spoil the latter.
    const cache = readFileSync(cachePath());
    const v8Start = 4 + statSync(enginePath()).size;
    writeFileSync(
      cachePath(),
      Buffer.from(cache.map((b, i) => (i >= v8Start && i % 5 === 0 ? b ^ 0x5a : b))),
    );
    expect(cacheTaken()).toBe(false);
    expect(replays()).toEqual(mainThread);

    writeFileSync(cachePath(), 'garbage');
    expect(replays()).toEqual(mainThread);

    rmSync(cachePath());
    expect(replays()).toEqual(mainThread);
  }, 120_000);
});
