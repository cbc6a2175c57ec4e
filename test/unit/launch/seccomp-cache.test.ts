import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedSeccomp, compileSeccomp } from '../../../src/launch/prepare.js';
import { decodeSeccompFile } from '../../../src/seccomp/bin2.js';

const dir = mkdtempSync(join(tmpdir(), 'snappy-debug-seccomp-cache.'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BOGUS = Buffer.from('not a filter');

/** The one entry in a fresh cache directory, with its header patched and a payload that is no filter. */
function plantEntry(cacheDir: string, patch: Record<string, unknown>): void {
  const [name] = readdirSync(cacheDir);
  const file = join(cacheDir, name!);
  const data = readFileSync(file);
  const end = data.indexOf(0x0a);
  const header = { ...(JSON.parse(data.subarray(0, end).toString()) as object), ...patch };
  writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), BOGUS]));
}

function freshDir(): string {
  return mkdtempSync(join(dir, 'case.'));
}

describe('cachedSeccomp', () => {
  it('compiles once per source and returns the same bytes from the cache', () => {
    const cacheDir = freshDir();
    const source = 'read\nwrite\nexit_group\n';
    const first = cachedSeccomp(source, cacheDir);
    expect(readdirSync(cacheDir)).toHaveLength(1);
    expect(Buffer.from(cachedSeccomp(source, cacheDir))).toEqual(Buffer.from(first));
    expect(Buffer.from(first)).toEqual(Buffer.from(compileSeccomp(source)));
    const decoded = decodeSeccompFile(first);
    expect(decoded.format).toBe('bin2');
    expect(decoded.allow.length).toBeGreaterThan(0);
    cachedSeccomp('@complain\nread\n', cacheDir);
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });

  it('returns a stored entry as it is when every input matches (the cache is really used)', () => {
    const cacheDir = freshDir();
    cachedSeccomp('read\n', cacheDir);
    plantEntry(cacheDir, {});
    expect(Buffer.from(cachedSeccomp('read\n', cacheDir))).toEqual(BOGUS);
  });

  it.each([
    ['the source', { source: 'write\n' }],
    ['the architecture', { arch: 'aarch64' }],
    ['the compiler', { compiler: 'an older build' }],
    ['a looked-up uid', { lookups: { 'u:root': 5, 'g:root': 0 } }],
    ['a looked-up gid', { lookups: { 'u:root': 0, 'g:root': null } }],
    ['the entry version', { version: 1 }],
  ])('compiles again when %s differs from what the entry was made from', (_what, patch) => {
    const cacheDir = freshDir();
    const source = 'read\nfchown - u:root g:root\n';
    const fresh = Buffer.from(compileSeccomp(source));
    expect(Buffer.from(cachedSeccomp(source, cacheDir))).toEqual(fresh);
    plantEntry(cacheDir, patch);
    expect(Buffer.from(cachedSeccomp(source, cacheDir))).toEqual(fresh);
    // and the entry is rewritten from the real inputs
    expect(Buffer.from(cachedSeccomp(source, cacheDir))).toEqual(fresh);
  });

  it('records the users and groups the source names', () => {
    const lookups = {};
    compileSeccomp('fchown - u:root g:root\nread\n', lookups);
    expect(lookups).toEqual({ 'u:root': 0, 'g:root': 0 });
  });

  it('ignores a damaged entry', () => {
    const cacheDir = freshDir();
    const fresh = Buffer.from(compileSeccomp('read\n'));
    cachedSeccomp('read\n', cacheDir);
    const [name] = readdirSync(cacheDir);
    writeFileSync(join(cacheDir, name!), '{"version":2,');
    expect(Buffer.from(cachedSeccomp('read\n', cacheDir))).toEqual(fresh);
  });

  it('still compiles when the cache cannot be written', () => {
    const bytes = cachedSeccomp('read\n', '/dev/null/cannot-write-here');
    expect(decodeSeccompFile(bytes).format).toBe('bin2');
    expect(existsSync('/dev/null/cannot-write-here')).toBe(false);
  });
});
