import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { journaldSource, syslogSource } from '../../src/sources/index.js';
import { follow } from './support/collect.js';

describe('syslog(3) messages (how our launcher reports device-cgroup denials)', () => {
  it('reach journald and, forwarded by it, /var/log/syslog, once each', async () => {
    const tag = `snappy-debug-test-${process.pid}-${Date.now()}`;
    const journal = follow(journaldSource());
    const syslog = follow(syslogSource());
    await Promise.all([journal.ready, syslog.ready]);
    execFileSync('logger', ['-t', 'snappy-debug-test', tag]);
    const has = (lines: readonly { line: string }[]) => lines.filter((l) => l.line.includes(tag)).length;
    await Promise.all([
      journal.waitFor((lines) => has(lines) > 0),
      syslog.waitFor((lines) => has(lines) > 0),
    ]);
    await new Promise((r) => setTimeout(r, 300));
    await Promise.all([journal.stop(), syslog.stop()]);
    expect(has(journal.lines)).toBe(1);
    expect(has(syslog.lines)).toBe(1);
    expect(JSON.parse(journal.lines.find((l) => l.line.includes(tag))!.line)).toMatchObject({
      _TRANSPORT: 'syslog',
      SYSLOG_IDENTIFIER: 'snappy-debug-test',
      MESSAGE: tag,
    });
    expect(syslog.lines.find((l) => l.line.includes(tag))!.line).toMatch(
      new RegExp(` snappy-debug-test: ${tag}$`),
    );
  });
});
