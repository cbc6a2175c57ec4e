import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syslogSource } from '../../src/sources/index.js';
import { follow } from './support/collect.js';
import { seccompFieldsOf, triggerSeccompDenial } from './support/seccomp.js';

const forPid = (pid: number) => (lines: readonly { line: string }[]) =>
  lines.filter((l) => seccompFieldsOf(l.line)?.pid === pid);

describe('syslog source (real rsyslogd writing /var/log/syslog)', () => {
  it('follows /var/log/syslog and yields a real denial once with syscall, arch, pid and exe', async () => {
    const follower = follow(syslogSource());
    await follower.ready;
    const denial = await triggerSeccompDenial({ syscall: 39 });
    await follower.waitFor((lines) => forPid(denial.pid)(lines).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    await follower.stop();
    const mine = forPid(denial.pid)(follower.lines);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.source).toBe('syslog');
    expect(mine[0]!.line).toMatch(/^\S+ \S+ kernel: /);
    expect(seccompFieldsOf(mine[0]!.line)).toMatchObject({
      pid: denial.pid,
      exe: denial.exe,
      syscall: 39,
      auditArch: 'c000003e',
    });
  });

  it('rsyslog puts the kernel audit line into kern.log too, exactly once', async () => {
    const follower = follow(syslogSource(['/var/log/kern.log']));
    await follower.ready;
    // Only what is written from here on: earlier runs may have logged the same (reused) pid.
    const since = statSync('/var/log/kern.log').size;
    const denial = await triggerSeccompDenial({ arch: 'i386', syscall: 20 });
    await follower.waitFor((lines) => forPid(denial.pid)(lines).length > 0);
    await follower.stop();
    const inFile = readFileSync('/var/log/kern.log')
      .subarray(since)
      .toString('utf8')
      .split('\n')
      .filter((line) => seccompFieldsOf(line)?.pid === denial.pid);
    expect(inFile).toHaveLength(1);
    expect(seccompFieldsOf(inFile[0]!)).toMatchObject({ syscall: 20, auditArch: '40000003' });
  });
});
