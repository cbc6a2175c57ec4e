import { execFileSync, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = resolve(import.meta.dirname, '../../scripts/daemons.sh');

describe('scripts/daemons.sh', () => {
  it('start is quiet and idempotent when everything runs; status names both daemons', () => {
    const start = spawnSync('bash', [script, 'start'], { encoding: 'utf8' });
    expect({ status: start.status, stdout: start.stdout, stderr: start.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
    const status = execFileSync('bash', [script, 'status'], { encoding: 'utf8' });
    expect(status).toMatch(/^systemd-journald: running \(pid \d+\)\nrsyslogd: running \(pid \d+\)\n$/);
  });

  it('points /dev/log at journald, which forwards syslog(3) messages to rsyslog', () => {
    expect(readlinkSync('/dev/log')).toBe('/run/systemd/journal/dev-log');
  });

  it('refuses an unknown action with one line and status 1', () => {
    const result = spawnSync('bash', [script, 'restart'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'daemons.sh: cannot understand "restart"; usage: daemons.sh start|stop|status\n',
    );
  });
});
