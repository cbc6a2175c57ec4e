import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultReportPath, displayPath, writeReportAtomically } from '../../../src/ui/run-tui.js';

describe('writeReportAtomically', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snappy-debug-report-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the report through a temporary file and returns the absolute path', async () => {
    const target = join(dir, 'r.md');
    await expect(writeReportAtomically(target, '# one\n')).resolves.toBe(target);
    await expect(writeReportAtomically(target, '# two\n')).resolves.toBe(target);
    expect(await readFile(target, 'utf8')).toBe('# two\n');
    expect(await readdir(dir)).toEqual(['r.md']);
  });

  it('fails with one line naming the path and the reason, leaving nothing behind', async () => {
    const target = join(dir, 'missing', 'r.md');
    await expect(writeReportAtomically(target, 'x')).rejects.toThrow(`cannot write ${target} (ENOENT)`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('shows a path under the current directory relative to it', () => {
    expect(displayPath('/work/x/r.md', '/work/x')).toBe('./r.md');
    expect(displayPath('/work/x/sub/r.md', '/work/x')).toBe('./sub/r.md');
    expect(displayPath('/work/y/r.md', '/work/x')).toBe('/work/y/r.md');
  });

  it('names the default report after the local time, in the current directory', () => {
    const path = defaultReportPath(new Date(2026, 10, 22, 9, 5, 7));
    expect(path).toBe(join(process.cwd(), 'snappy-debug-report-20261122-090507.md'));
  });
});
