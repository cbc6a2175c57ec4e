import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSource, stdinSource } from '../../src/sources/index.js';
import { follow } from './support/collect.js';
import { seccompFieldsOf, triggerSeccompDenial, type Triggered } from './support/seccomp.js';

const dir = mkdtempSync(join(tmpdir(), 'snappy-debug-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KERN_LOG = '/var/log/kern.log';

/** Where kern.log ends now: records of a later denial are after it (pids are reused over time). */
function kernLogEnd(): number {
  return statSync(KERN_LOG).size;
}

async function kernLogLinesFor(denial: Triggered, since: number): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const lines = readFileSync(KERN_LOG)
      .subarray(since)
      .toString('utf8')
      .split('\n')
      .filter((line) => seccompFieldsOf(line)?.pid === denial.pid);
    if (lines.length > 0) return lines;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`denial of pid ${denial.pid} never reached /var/log/kern.log`);
}

describe('stdin source', () => {
  it('reads `journalctl -f` piped in and yields real denials', async () => {
    const journalctl = spawn('journalctl', ['-f', '-n', '0', '--no-pager'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const follower = follow(stdinSource(journalctl.stdout));
      await follower.ready;
      // journalctl positions itself asynchronously: trigger until one of ours comes through.
      const pids = new Set<number>();
      let seen: Triggered | undefined;
      for (let attempt = 0; attempt < 50 && !seen; attempt++) {
        const denial = await triggerSeccompDenial({ syscall: 39 });
        pids.add(denial.pid);
        await follower
          .waitFor((lines) => lines.some((l) => pids.has(seccompFieldsOf(l.line)?.pid ?? -1)), 200)
          .catch(() => {});
        const line = follower.lines.find((l) => pids.has(seccompFieldsOf(l.line)?.pid ?? -1));
        if (line) seen = { ...denial, pid: seccompFieldsOf(line.line)!.pid };
      }
      await follower.stop();
      const line = follower.lines.find((l) => seccompFieldsOf(l.line)?.pid === seen?.pid);
      expect(line?.source).toBe('stdin');
      expect(line?.line).toMatch(/ kernel: audit: type=1326 |audit\[\d+\]: SECCOMP /);
      expect(seccompFieldsOf(line!.line)).toMatchObject({
        syscall: 39,
        auditArch: 'c000003e',
        exe: seen!.exe,
      });
    } finally {
      journalctl.kill('SIGTERM');
    }
  });

  it('splits on \\n and \\r\\n, keeps invalid UTF-8 as U+FFFD and delivers a partial last line at the end', async () => {
    const input = new PassThrough();
    const reader = follow(stdinSource(input));
    input.write('first\r\nsec');
    input.write(Buffer.from([0x6f, 0x6e, 0x64, 0xff, 0x0a]));
    input.end('no newline at end');
    await reader.done;
    expect(reader.lines.map((l) => l.line)).toEqual(['first', 'second\ufffd', 'no newline at end']);
  });
});

describe('file source (--file)', () => {
  it('reads real denials from a plain file, CRLF and all, then stops', async () => {
    const since = kernLogEnd();
    const denial = await triggerSeccompDenial({ syscall: 39 });
    const lines = await kernLogLinesFor(denial, since);
    const path = join(dir, 'kern.log');
    writeFileSync(path, `unrelated line\r\n${lines.join('\r\n')}\r\n`);
    const reader = follow(fileSource(path));
    await reader.done;
    expect(reader.lines).toHaveLength(lines.length + 1);
    expect(reader.lines.every((l) => l.source === 'file' && !l.line.endsWith('\r'))).toBe(true);
    expect(seccompFieldsOf(reader.lines[1]!.line)).toMatchObject({
      pid: denial.pid,
      syscall: 39,
      exe: denial.exe,
    });
  });

  it('reads a .gz log without following it', async () => {
    const since = kernLogEnd();
    const denial = await triggerSeccompDenial({ arch: 'i386', syscall: 20 });
    const lines = await kernLogLinesFor(denial, since);
    const path = join(dir, 'kern.log.2.gz');
    writeFileSync(path, gzipSync(`${lines.join('\n')}\nlast line without newline`));
    const reader = follow(fileSource(path), { follow: true });
    await reader.done;
    expect(reader.lines.map((l) => l.line)).toEqual([...lines, 'last line without newline']);
    expect(seccompFieldsOf(reader.lines[0]!.line)).toMatchObject({
      pid: denial.pid,
      syscall: 20,
      auditArch: '40000003',
    });
  });

  it('keeps a 3 MiB line whole', async () => {
    const huge = 'x'.repeat(3 * 1024 * 1024);
    const path = join(dir, 'huge.log');
    writeFileSync(path, `before\n${huge}\nafter\n`);
    const reader = follow(fileSource(path));
    await reader.done;
    expect(reader.lines.map((l) => l.line.length)).toEqual([6, huge.length, 5]);
  });

  it('fails with one clear line for a missing file', async () => {
    const reader = follow(fileSource(join(dir, 'missing.log')));
    await expect(reader.done).rejects.toThrow(/^cannot read \/.*missing\.log: no such file$/);
  });

  it('fails with one clear line for a .gz file that is not gzip', async () => {
    const path = join(dir, 'plain.log.gz');
    writeFileSync(path, 'not compressed\n');
    const reader = follow(fileSource(path));
    await expect(reader.done).rejects.toThrow(/^cannot read \/.*plain\.log\.gz: incorrect header check$/);
  });
});
