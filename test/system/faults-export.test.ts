import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../../src/launch/connection-store.js';
import { loadOverlay, saveOverlay } from '../../src/launch/overlay-store.js';
import { PassThrough } from 'node:stream';
import { main as seccompMain } from '../../src/commands/seccomp.js';
import { writeReportAtomically } from '../../src/ui/run-tui.js';

// Every file the product writes for the user, on a full disk (a 64 KiB tmpfs, filled) and on a
// read-only mount: one error line naming the path, the previous file byte-identical, no
// temporary file left behind.

const root = mkdtempSync(join(tmpdir(), 'snappy-debug-faults-export-'));
const mounts: string[] = [];

function mountTmpfs(name: string, options: string): string {
  const dir = join(root, name);
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, `faults-${name}`, dir]);
  mounts.push(dir);
  return dir;
}

/** Writes zeros into `dir`/filler until the file system refuses with ENOSPC; returns bytes written. */
function fill(dir: string): number {
  const fd = openSync(join(dir, 'filler'), 'w');
  const block = Buffer.alloc(4096);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}

const remountReadOnly = (dir: string): void => void execFileSync('mount', ['-o', 'remount,ro', dir]);

afterAll(() => {
  for (const dir of mounts.reverse()) execFileSync('umount', [dir]);
  rmSync(root, { recursive: true, force: true });
});

interface Writer {
  readonly name: string;
  /** Writes a first, small version; returns the file's path. */
  first(dir: string): Promise<string>;
  /** Writes a second version, larger than any free space left. */
  second(dir: string): Promise<unknown>;
  /** The error expected, for the file at `path` and the errno text. */
  error(path: string, code: string, reason: string): string;
}

const big = 'x'.repeat(256 * 1024);

const writers: readonly Writer[] = [
  {
    name: 'report export (writeReportAtomically)',
    first: (dir) => writeReportAtomically(join(dir, 'report.md'), '# first report\n'),
    second: (dir) => writeReportAtomically(join(dir, 'report.md'), `# second report\n${big}\n`),
    error: (path, code) => `cannot write ${path} (${code})`,
  },
  {
    name: 'connection store',
    async first(dir) {
      const store = new ConnectionStore(join(dir, 'connections.json'));
      store.set('faults', 'home', true);
      return store.path;
    },
    async second(dir) {
      const store = new ConnectionStore(join(dir, 'connections.json'));
      for (let i = 0; i < 4000; i++) store.set('faults', `plug-${i}-${'p'.repeat(60)}`, true);
    },
    error: (path, _code, reason) => `cannot write ${path}: ${reason}`,
  },
  {
    name: 'policy overlay store',
    async first(dir) {
      return saveOverlay({ snap: 'faults', unrestricted: false, entries: [] }, dir);
    },
    async second(dir) {
      const entries = [{ kind: 'seccomp' as const, line: 'mount', reason: big }];
      saveOverlay({ ...loadOverlay('faults', dir), entries }, dir);
    },
    error: (path, code) => `cannot write overlay ${path}: ${code}`,
  },
  {
    name: 'seccomp compile output',
    async first(dir) {
      await compileSeccompTo(dir, 'read\nwrite\n');
      return join(dir, 'out.bin2');
    },
    second: (dir) => compileSeccompTo(dir, 'read\nwrite\nopenat\nclose\nmmap\n'),
    error: (path, code) => `cannot write ${path}: ${code}`,
  },
];

/** `snappy-debug seccomp compile --bin2` of `source` into DIR/out.bin2 (the source kept outside DIR). */
async function compileSeccompTo(dir: string, source: string): Promise<number> {
  const input = join(root, `profile-${Math.random().toString(36).slice(2)}.src`);
  writeFileSync(input, source);
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  return seccompMain(['compile', '--bin2', input, join(dir, 'out.bin2')], io);
}

describe.each(writers)('$name', (writer) => {
  let full: string;
  let readOnly: string;
  const slug = writer.name.replace(/\W+/g, '-');
  beforeAll(() => {
    full = mountTmpfs(`full-${slug}`, 'size=64k,mode=0755');
    readOnly = mountTmpfs(`ro-${slug}`, 'size=1m,mode=0755');
  });

  it('full disk: one clear error naming the path; the previous file intact; no temporary file left', async () => {
    const path = await writer.first(full);
    const before = readFileSync(path);
    const filled = fill(full);
    const names = readdirSync(full).sort();
    const failure = await writer.second(full).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(writer.error(path, 'ENOSPC', 'no space left on device'));
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(full).sort()).toEqual(names);
    console.log(`${writer.name}: full disk (${filled} filler bytes): "${(failure as Error).message}"`);
  });

  it('read-only mount: one clear error naming the path; the previous file intact; nothing added', async () => {
    const path = await writer.first(readOnly);
    const before = readFileSync(path);
    remountReadOnly(readOnly);
    const names = readdirSync(readOnly).sort();
    const failure = await writer.second(readOnly).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(writer.error(path, 'EROFS', 'read-only file system'));
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(readOnly).sort()).toEqual(names);
    console.log(`${writer.name}: read-only: "${(failure as Error).message}"`);
  });
});
