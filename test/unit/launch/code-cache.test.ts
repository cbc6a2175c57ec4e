import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCachedBundle } from '../../../src/launch/code-cache.js';

// A bundle shaped like esbuild's CommonJS output: functions that run only when called, a
// built-in and a provided module required, its own URL in place of import.meta.url.
const BUNDLE = `"use strict";
const { basename } = require('node:path');
const shared = require('test:shared');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
exports.fib = fib;
exports.url = __bundleUrl;
exports.name = () => basename(__bundleUrl);
exports.shared = shared;
exports.words = (text) => text.split(/\\s+/).map((w) => w.toUpperCase()).join('-');
`;

// Each load runs in a fresh node, as a start does: within one process V8 keeps the scripts it
// compiled and would not even look at the cache of a source it has seen.
let loaderPath: string;
let dir: string;
let files: { bundlePath: string; cachePath: string };

beforeAll(() => {
  const tools = mkdtempSync(join(tmpdir(), 'code-cache-loader.'));
  loaderPath = join(tools, 'code-cache.mjs');
  const source = readFileSync(join(import.meta.dirname, '../../../src/launch/code-cache.ts'), 'utf8');
  writeFileSync(loaderPath, transformSync(source, { loader: 'ts', format: 'esm' }).code);
  return () => rmSync(tools, { recursive: true, force: true });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'code-cache.'));
  files = { bundlePath: join(dir, 'bundle.cjs'), cachePath: join(dir, 'bundle.cache') };
  writeFileSync(files.bundlePath, BUNDLE);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Loaded {
  readonly cacheUsed: boolean;
  readonly results: unknown[];
}

/** Loads the bundle in a new node, runs its functions, and writes the cache if asked to. */
function load(options: { writeCache?: boolean } = {}): Loaded {
  const script = `
    import { loadCachedBundle } from ${JSON.stringify(pathToFileURL(loaderPath).href)};
    const bundle = loadCachedBundle({ ...${JSON.stringify(files)}, provided: { 'test:shared': { token: 'shared' } } });
    const e = bundle.exports;
    const results = [e.fib(20), e.url, e.name(), e.shared, e.words('a bc  def')];
    if (${options.writeCache === true}) bundle.writeCache();
    process.stdout.write(JSON.stringify({ cacheUsed: bundle.cacheUsed, results }));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(output) as Loaded;
}

const EXPECTED = () => [
  6765,
  pathToFileURL(files.bundlePath).href,
  'bundle.cjs',
  { token: 'shared' },
  'A-BC-DEF',
];

describe('loadCachedBundle', () => {
  it('runs the bundle without a cache and says it used none', () => {
    expect(load()).toEqual({ cacheUsed: false, results: EXPECTED() });
  });

  it('takes the cache it wrote and gives the same results', () => {
    load({ writeCache: true });
    expect(readFileSync(files.cachePath).length).toBeGreaterThan(1000);
    expect(readdirSync(dir).sort()).toEqual(['bundle.cache', 'bundle.cjs']);
    expect(load()).toEqual({ cacheUsed: true, results: EXPECTED() });
  });

  // The file: the bundle's length (4 bytes), the bundle, then V8's data.
  const v8Start = () => 4 + Buffer.byteLength(BUNDLE);
  it.each([
    ['garbage', () => Buffer.from('not a V8 code cache at all')],
    [
      'flipped in V8 data',
      (cache: Buffer) => Buffer.from(cache.map((b, i) => (i >= v8Start() && i % 7 === 3 ? b ^ 0xff : b))),
    ],
    ['truncated in V8 data', (cache: Buffer) => cache.subarray(0, v8Start() + 40)],
    ['only its bundle', (cache: Buffer) => cache.subarray(0, v8Start())],
    ['of a wrong length', (cache: Buffer) => Buffer.concat([Buffer.from([1, 0, 0, 0]), cache.subarray(4)])],
    ['empty', () => Buffer.alloc(0)],
  ])('compiles normally when the cache is %s', (_name, spoil) => {
    load({ writeCache: true });
    writeFileSync(files.cachePath, spoil(readFileSync(files.cachePath)));
    expect(load()).toEqual({ cacheUsed: false, results: EXPECTED() });
  });

  it('ignores the cache of another bundle of the same length (V8 alone would take it)', () => {
    // (Handed the old V8 data with the rebuilt bundle, node 20's V8 runs the old code.)
    load({ writeCache: true });
    const rebuilt = BUNDLE.replace('toUpperCase', 'toLowerCase');
    expect(rebuilt.length).toBe(BUNDLE.length);
    writeFileSync(files.bundlePath, rebuilt);
    const loaded = load();
    expect(loaded.cacheUsed).toBe(false);
    expect(loaded.results.at(-1)).toBe('a-bc-def');
  });

  it('fails with the file named when the bundle is missing', () => {
    rmSync(files.bundlePath);
    expect(() => loadCachedBundle({ ...files })).toThrow(/ENOENT.*bundle\.cjs/);
  });
});
