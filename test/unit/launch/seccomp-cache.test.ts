import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedSeccomp, compileSeccomp } from '../../../src/launch/prepare.js';
import { decodeSeccompFile } from '../../../src/seccomp/bin2.js';

const dir = mkdtempSync(join(tmpdir(), 'snappy-debug-seccomp-cache.'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cachedSeccomp', () => {
  it('compiles once per source and returns the same bytes from the cache', () => {
    const source = 'read\nwrite\nexit_group\n';
    const first = cachedSeccomp(source, dir);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(Buffer.from(cachedSeccomp(source, dir))).toEqual(Buffer.from(first));
    expect(Buffer.from(first)).toEqual(Buffer.from(compileSeccomp(source)));
    const decoded = decodeSeccompFile(first);
    expect(decoded.format).toBe('bin2');
    expect(decoded.allow.length).toBeGreaterThan(0);
    cachedSeccomp('@complain\nread\n', dir);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('still compiles when the cache cannot be written', () => {
    const bytes = cachedSeccomp('read\n', '/dev/null/cannot-write-here');
    expect(decodeSeccompFile(bytes).format).toBe('bin2');
    expect(existsSync('/dev/null/cannot-write-here')).toBe(false);
  });
});
