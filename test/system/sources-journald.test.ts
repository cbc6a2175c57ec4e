import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { journaldSource } from '../../src/sources/index.js';
import { follow } from './support/collect.js';
import { installHelperUnderSnap, seccompFieldsOf, triggerSeccompDenial } from './support/seccomp.js';

const linesFor = (pid: number) => (lines: readonly { line: string }[]) =>
  lines.filter((l) => seccompFieldsOf(l.line)?.pid === pid);

describe('journald source (real systemd-journald, journalctl --follow --output=json)', () => {
  const snapHelper = installHelperUnderSnap();
  afterAll(() => snapHelper.cleanup());

  it('yields a real x86_64 seccomp denial once, with syscall, arch, pid and exe', async () => {
    const follower = follow(journaldSource());
    await follower.ready;
    const denial = await triggerSeccompDenial({ syscall: 39 });
    await follower.waitFor((lines) => linesFor(denial.pid)(lines).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    await follower.stop();
    const mine = linesFor(denial.pid)(follower.lines);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.source).toBe('journald');
    expect(seccompFieldsOf(mine[0]!.line)).toMatchObject({
      pid: denial.pid,
      exe: denial.exe,
      syscall: 39,
      auditArch: 'c000003e',
      code: '0x50000',
    });
  });

  it('yields an i386 (int 0x80) LOG denial from a binary under /snap', async () => {
    const follower = follow(journaldSource());
    await follower.ready;
    const denial = await triggerSeccompDenial({
      arch: 'i386',
      action: 'log',
      executable: snapHelper.executable,
    });
    expect(denial.result).toBeGreaterThan(0);
    await follower.waitFor((lines) => linesFor(denial.pid)(lines).length > 0);
    await follower.stop();
    expect(seccompFieldsOf(linesFor(denial.pid)(follower.lines)[0]!.line)).toMatchObject({
      exe: '/snap/snappy-debug-test/x1/bin/seccomp-trigger',
      syscall: 64,
      auditArch: '40000003',
      code: '0x7ffc0000',
    });
  });

  it('resumes after journalctl dies, losing and repeating nothing', async () => {
    const follower = follow(journaldSource({ journalctl: 'journalctl' }));
    await follower.ready;
    const before = await triggerSeccompDenial({ syscall: 39 });
    await follower.waitFor((lines) => linesFor(before.pid)(lines).length > 0);
    const journalctl = execFileSync('pgrep', ['-P', String(process.pid), '-x', 'journalctl'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    expect(journalctl).toHaveLength(1);
    process.kill(Number(journalctl[0]), 'SIGKILL');
    const during = await triggerSeccompDenial({ syscall: 39 });
    await follower.waitFor((lines) => linesFor(during.pid)(lines).length > 0);
    const after = await triggerSeccompDenial({ syscall: 39 });
    await follower.waitFor((lines) => linesFor(after.pid)(lines).length > 0);
    await follower.stop();
    for (const pid of [before.pid, during.pid, after.pid])
      expect(linesFor(pid)(follower.lines)).toHaveLength(1);
    const cursors = follower.lines.map((l) => (JSON.parse(l.line) as { __CURSOR: string }).__CURSOR);
    expect(new Set(cursors).size).toBe(cursors.length);
  });

  it('reads what is already there with all, and stops at the end without follow', async () => {
    const live = follow(journaldSource());
    await live.ready;
    const denial = await triggerSeccompDenial({ syscall: 39 });
    // journald writes it asynchronously (kauditd, then its kmsg reader): wait until it is stored.
    await live.waitFor((lines) => linesFor(denial.pid)(lines).length > 0);
    await live.stop();
    // Limited to the last minute of kernel entries: the shared journal only grows.
    const reader = follow(journaldSource({ extraArgs: ['--since=-60s', '_TRANSPORT=kernel'] }), {
      all: true,
      follow: false,
    });
    await reader.done;
    expect(linesFor(denial.pid)(reader.lines)).toHaveLength(1);
    expect(reader.lines.length).toBeGreaterThan(1);
    expect(
      reader.lines.every((l) => (JSON.parse(l.line) as { _TRANSPORT: string })._TRANSPORT === 'kernel'),
    ).toBe(true);
  });
});
