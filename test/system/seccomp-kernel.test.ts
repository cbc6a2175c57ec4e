import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBin, encodeBin2 } from '../../src/seccomp/bin2.js';
import { compileProfile } from '../../src/seccomp/compile.js';
import { parseProfile } from '../../src/seccomp/profile.js';
import { syscallNames, syscallNumber } from '../../src/seccomp/tables.js';
import { sharedPath } from '../support/shared.js';

// Filters compiled by us, loaded by the real kernel through test/helpers/seccomp-exec.c; the
// kernel's verdict and its type=1326 record (read from /dev/kmsg) are checked. The global setup
// sets kernel.printk_ratelimit to 0 and restores it afterwards.

const HELPERS = resolve(import.meta.dirname, '../../native/build/helpers');
const EXEC = join(HELPERS, 'seccomp-exec');
const PROBE = join(HELPERS, 'syscall-probe');
const TEMPLATE = readFileSync(sharedPath('reference', 'snapd-seccomp-default-template-2.57.txt'), 'utf8');
const NAMES = new Set(syscallNames());
const work = mkdtempSync(join(tmpdir(), 'seccomp-kernel-'));

const UNSHARE = syscallNumber('x86_64', 'unshare')!;
const UNSHARE_I386 = syscallNumber('x86', 'unshare')!;
const GETPPID = syscallNumber('x86_64', 'getppid')!;
const SOCKET = syscallNumber('x86_64', 'socket')!;
const AF_UNIX = 1;
const AF_NETLINK = 16;

let kmsg: number;

/** Reads every record /dev/kmsg has now; the first call skips the backlog. */
function readKmsg(): string[] {
  const records: string[] = [];
  const buffer = Buffer.alloc(8192);
  for (;;) {
    try {
      const length = readSync(kmsg, buffer, 0, buffer.length, null);
      records.push(buffer.toString('utf8', 0, length));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return records;
      if (code === 'EPIPE') continue; // overwritten records: keep reading
      throw error;
    }
  }
}

async function seccompRecord(pid: number, syscall: number): Promise<string> {
  const pattern = new RegExp(`type=1326 .* pid=${pid} .* syscall=${syscall} `);
  const seen: string[] = [];
  for (let attempt = 0; attempt < 100; attempt++) {
    seen.push(...readKmsg());
    const found = seen.find((record) => pattern.test(record));
    if (found) return found;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error(`no type=1326 record for pid ${pid} syscall ${syscall}`);
}

let fileCount = 0;
function compileTo(source: string, format: 'bin' | 'bin2'): string {
  const profile = parseProfile(source, {
    isKnownSyscall: (name) => NAMES.has(name),
    lookupUser: (name) => (name === 'root' ? 0 : undefined),
    lookupGroup: (name) => (name === 'root' ? 0 : undefined),
  });
  const compiled = compileProfile(profile, { arch: 'x86_64' });
  const path = join(work, `profile${fileCount++}.${format}`);
  writeFileSync(path, format === 'bin' ? encodeBin(compiled) : encodeBin2(compiled));
  return path;
}

interface Probe {
  readonly pid: number;
  readonly result: number;
  readonly errno: number;
}

function probe(filter: string, args: readonly (string | number)[]): Probe {
  const out = execFileSync(EXEC, [filter, PROBE, ...args.map(String)], { encoding: 'utf8' });
  const match = /^pid=(\d+) nr=\d+ result=(-?\d+) errno=(\d+)$/m.exec(out);
  if (!match) throw new Error(`unexpected syscall-probe output: ${out}`);
  return { pid: Number(match[1]), result: Number(match[2]), errno: Number(match[3]) };
}

beforeAll(() => {
  kmsg = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  readKmsg();
});
afterAll(() => {
  closeSync(kmsg);
  rmSync(work, { recursive: true, force: true });
});

describe('filters we compile, enforced by the kernel', () => {
  it('strict .bin2: an unlisted syscall gets EPERM and a type=1326 record', async () => {
    const filter = compileTo(TEMPLATE, 'bin2');
    const denied = probe(filter, [UNSHARE, 0]);
    expect(denied).toMatchObject({ result: -1, errno: 1 });
    const record = await seccompRecord(denied.pid, UNSHARE);
    expect(record).toMatch(/ arch=c000003e syscall=\d+ compat=0 .*code=0x50000/);
    const allowed = probe(filter, [syscallNumber('x86_64', 'getpid')!]);
    expect(allowed).toEqual({ pid: allowed.pid, result: allowed.pid, errno: 0 });
  });

  it('strict raw .bin (snapd 2.57 format) behaves the same', async () => {
    const denied = probe(compileTo(TEMPLATE, 'bin'), [UNSHARE, 0]);
    expect(denied).toMatchObject({ result: -1, errno: 1 });
    expect(await seccompRecord(denied.pid, UNSHARE)).toMatch(/code=0x50000/);
  });

  it('the i386 compat path (int $0x80) is filtered under arch 40000003', async () => {
    const denied = probe(compileTo(TEMPLATE, 'bin2'), ['--i386', UNSHARE_I386, 0]);
    expect(denied).toMatchObject({ result: -1, errno: 1 });
    const record = await seccompRecord(denied.pid, UNSHARE_I386);
    expect(record).toMatch(/ arch=40000003 syscall=310 compat=1 .*code=0x50000/);
  });

  it('complain mode only logs: the call succeeds and the record says LOG', async () => {
    const filter = compileTo(`@complain\n${TEMPLATE}`, 'bin2');
    const logged = probe(filter, [UNSHARE, 0]);
    expect(logged).toMatchObject({ result: 0, errno: 0 });
    expect(await seccompRecord(logged.pid, UNSHARE)).toMatch(/ arch=c000003e .*code=0x7ffc0000/);
    const i386 = probe(filter, ['--i386', UNSHARE_I386, 0]);
    expect(i386).toMatchObject({ result: 0, errno: 0 });
    expect(await seccompRecord(i386.pid, UNSHARE_I386)).toMatch(/ arch=40000003 .*code=0x7ffc0000/);
  });

  it('argument conditions: socket AF_UNIX passes, socket AF_NETLINK is refused', async () => {
    const filter = compileTo(TEMPLATE, 'bin2');
    const unix = probe(filter, [SOCKET, AF_UNIX, 1, 0]);
    expect(unix.errno).toBe(0);
    expect(unix.result).toBeGreaterThanOrEqual(0);
    const netlink = probe(filter, [SOCKET, AF_NETLINK, 3, 0]);
    expect(netlink).toMatchObject({ result: -1, errno: 1 });
    expect(await seccompRecord(netlink.pid, SOCKET)).toMatch(/code=0x50000/);
    // A 64-bit value whose low word is AF_UNIX must not pass on x86_64.
    const high = probe(filter, [SOCKET, '0x100000001', 1, 0]);
    expect(high).toMatchObject({ result: -1, errno: 1 });
  });

  it('a ~ rule in the deny filter returns EACCES over an allow rule, in strict and complain mode', () => {
    for (const prefix of ['', '@complain\n']) {
      const filter = compileTo(`${prefix}${TEMPLATE}\n~getppid\n`, 'bin2');
      expect(probe(filter, [GETPPID])).toMatchObject({ result: -1, errno: 13 });
    }
  });
});

describe('the native helpers refuse bad input', () => {
  function failure(file: string, args: readonly string[]): { status: number | null; stderr: string } {
    const result = spawnSync(file, args, { encoding: 'utf8' });
    return { status: result.status, stderr: result.stderr };
  }

  it('seccomp-exec names what is wrong and exits 1', () => {
    const short = join(work, 'short.bin');
    writeFileSync(short, 'abc');
    const version2 = join(work, 'v2.bin2');
    writeFileSync(version2, Buffer.concat([Buffer.from('SC\x02'), Buffer.alloc(125)]));
    const link = join(work, 'link.bin');
    symlinkSync(short, link);
    expect(failure(EXEC, [])).toEqual({
      status: 1,
      stderr: 'seccomp-exec: usage: seccomp-exec FILE COMMAND [ARGS...]\n',
    });
    expect(failure(EXEC, [join(work, 'none'), '/bin/true'])).toEqual({
      status: 1,
      stderr: `seccomp-exec: cannot open ${join(work, 'none')}: No such file or directory\n`,
    });
    expect(failure(EXEC, [link, '/bin/true'])).toEqual({
      status: 1,
      stderr: `seccomp-exec: cannot open ${link}: Too many levels of symbolic links\n`,
    });
    expect(failure(EXEC, [short, '/bin/true'])).toEqual({
      status: 1,
      stderr: `seccomp-exec: cannot load ${short}: raw filter length 3 is not a positive multiple of 8 up to 32768\n`,
    });
    expect(failure(EXEC, [version2, '/bin/true'])).toEqual({
      status: 1,
      stderr: `seccomp-exec: cannot load ${version2}: unsupported version 2\n`,
    });
  });

  it('syscall-probe rejects malformed numbers and exits 2', () => {
    expect(failure(PROBE, [])).toEqual({
      status: 2,
      stderr: 'syscall-probe: usage: syscall-probe [--i386] NR [ARG0 ... ARG5]\n',
    });
    expect(failure(PROBE, ['39', '-1'])).toEqual({
      status: 2,
      stderr: 'syscall-probe: cannot parse number "-1"\n',
    });
  });
});
