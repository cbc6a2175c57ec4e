import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/sources/index.js';
import { startAuditd } from './support/auditd.js';
import { follow } from './support/collect.js';
import { seccompFieldsOf, triggerSeccompDenial } from './support/seccomp.js';

const forPid = (pid: number) => (lines: readonly { line: string }[]) =>
  lines.filter((l) => seccompFieldsOf(l.line)?.pid === pid);

describe('audit source (real auditd writing /var/log/audit/audit.log)', () => {
  it('yields type=SECCOMP records and survives auditd rotating the log by rename', async () => {
    const auditd = await startAuditd();
    try {
      const follower = follow(auditSource());
      await follower.ready;
      const first = await triggerSeccompDenial({ syscall: 39 });
      await follower.waitFor((lines) => forPid(first.pid)(lines).length > 0);
      auditd.rotate();
      const second = await triggerSeccompDenial({ arch: 'i386', syscall: 20 });
      await follower.waitFor((lines) => forPid(second.pid)(lines).length > 0);
      await follower.stop();
      expect(existsSync('/var/log/audit/audit.log.1')).toBe(true);
      const [firstLine] = forPid(first.pid)(follower.lines);
      expect(firstLine!.source).toBe('audit');
      expect(firstLine!.line).toMatch(/^type=SECCOMP msg=audit\(\d+\.\d+:\d+\): /);
      expect(seccompFieldsOf(firstLine!.line)).toMatchObject({
        exe: first.exe,
        syscall: 39,
        auditArch: 'c000003e',
      });
      expect(forPid(first.pid)(follower.lines)).toHaveLength(1);
      expect(forPid(second.pid)(follower.lines)).toHaveLength(1);
      expect(seccompFieldsOf(forPid(second.pid)(follower.lines)[0]!.line)).toMatchObject({
        syscall: 20,
        auditArch: '40000003',
      });
    } finally {
      await auditd.stop();
    }
  });
});
