import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HELPER, triggerSeccompDenial } from './support/seccomp.js';

const run = (...args: string[]) => spawnSync(HELPER, args, { encoding: 'utf8' });

describe('test/helpers/seccomp-trigger (built binary)', () => {
  it('errno action: the filtered syscall fails with EPERM', async () => {
    const denial = await triggerSeccompDenial({ syscall: 39 });
    expect(denial).toMatchObject({ arch: 'x86_64', syscall: 39, result: -1, errno: 1 });
  });

  it('log action on the i386 entry: the syscall runs (getppid returns our pid)', async () => {
    const denial = await triggerSeccompDenial({ action: 'log', arch: 'i386' });
    expect(denial).toMatchObject({ arch: 'i386', syscall: 64, result: process.pid, errno: 0 });
  });

  it('prints one exact line per bad argument and exits 1', () => {
    expect(run('--count=0')).toMatchObject({
      status: 1,
      stdout: '',
      stderr: 'seccomp-trigger: cannot use --count value "0": expected an integer from 1 to 1000000\n',
    });
    expect(run('--syscall=abc')).toMatchObject({
      status: 1,
      stderr: 'seccomp-trigger: cannot use --syscall value "abc": expected an integer from 0 to 4095\n',
    });
    expect(run('--arch=arm')).toMatchObject({
      status: 1,
      stderr:
        'seccomp-trigger: cannot understand argument "--arch=arm"; usage: seccomp-trigger [--action=errno|log] [--arch=x86_64|i386] [--syscall=N] [--count=C]\n',
    });
  });
});
