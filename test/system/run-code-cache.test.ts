import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/build.js';
import { makeTestSnap, testUser, type TestSnap } from './support/snaps.js';

// `run` loads its bundle through the V8 code cache that `npm run build` wrote: the cache must be
// taken by this node, and a run without it, or with a spoilt one, must say exactly the same.
const NAME = 'sd-code-cache';
const YAML = `name: ${NAME}\nversion: '1'\napps:\n  app:\n    command: bin/snap-app\n`;
const user = testUser();
let snap: TestSnap;
let copy: string;
const cachePath = () => join(copy, 'dist/src/suggest/run-command.cache');

beforeAll(() => {
  ensureBuilt();
  snap = makeTestSnap(YAML);
  // A copy of the package, so that spoiling its cache cannot disturb other runs of dist/.
  copy = mkdtempSync('/var/tmp/snappy-debug-package.');
  for (const part of ['dist', 'rules', 'package.json'])
    cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  symlinkSync(join(ROOT, 'native'), join(copy, 'native'));
});
afterAll(() => {
  snap?.cleanup();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

function cacheTaken(): boolean {
  const loader = pathToFileURL(join(copy, 'dist/src/launch/code-cache.js')).href;
  const bundle = join(copy, 'dist/src/suggest/run-command.cjs');
  const script = `import { loadCachedBundle } from ${JSON.stringify(loader)};
    const b = loadCachedBundle({ bundlePath: ${JSON.stringify(bundle)}, cachePath: ${JSON.stringify(cachePath())},
      provided: { 'snappy-debug:command-types': {} } });
    process.stdout.write(String(b.cacheUsed));`;
  return (
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }) === 'true'
  );
}

/** A strict run whose app makes one refused syscall, its pids and times masked. */
function strictRun(): { status: number | null; stdout: string; stderr: string } {
  const args = ['run', '--strict', '--snap', snap.dir, '--user', user.name, `${NAME}.app`, '--', 'ioprio'];
  const result = spawnSync(process.execPath, [join(copy, 'dist/src/main.js'), ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.replace(/\d+/g, 'N') };
}

describe('run through the code cache', () => {
  it('is taken by this node as the build wrote it', () => {
    expect(cacheTaken()).toBe(true);
  });

  it('gives the same run with the cache, with a spoilt one and without one', () => {
    const built = readFileSync(cachePath());
    const cached = strictRun();
    expect(cached.status, cached.stderr).toBe(0);
    // A run does not touch the cache.
    expect(readFileSync(cachePath()).equals(built)).toBe(true);
    expect(cached.stdout).toBe('ioprio errno=EPERM\n');
    expect(cached.stderr).toContain('snappy-debug: N denial in this run\n');
    expect(cached.stderr).toContain('seccomp DENIED ioprio_set (N) snap.sd-code-cache.app');

    // The file holds the bundle's length (4 bytes), the bundle, then V8's data: spoil the latter.
    const cache = readFileSync(cachePath());
    const v8Start = 4 + statSync(join(copy, 'dist/src/suggest/run-command.cjs')).size;
    expect(cache.length).toBeGreaterThan(v8Start + 10_000);
    writeFileSync(
      cachePath(),
      Buffer.from(cache.map((b, i) => (i >= v8Start && i % 5 === 0 ? b ^ 0x5a : b))),
    );
    expect(cacheTaken()).toBe(false);
    expect(strictRun()).toEqual(cached);

    writeFileSync(cachePath(), 'garbage');
    expect(strictRun()).toEqual(cached);

    rmSync(cachePath());
    expect(strictRun()).toEqual(cached);
  });
});
