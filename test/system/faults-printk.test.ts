import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, startCli } from './support/cli.js';
import { hidePrintkHolders, readPrintkRatelimitValue, setPrintkRatelimit, until } from './support/faults.js';
import { ROOT, ensureBuilt } from '../support/build.js';

// kernel.printk_ratelimit lowered to 0 by the real `scanlog` and put back on the exit paths
// test/system/system-printk.test.ts checks on the module alone and scanlog-e2e checks for
// SIGINT/SIGTERM: SIGHUP, a real error thrown while following, and SIGKILL (repaired by the
// next start).

const SAVED = '/run/snappy-debug/printk_ratelimit';
// Neither the kernel's default (5) nor the test run's (0): a value only this test sets.
const ORIGINAL = 7;
let savedBefore: string | undefined;
let valueBefore = 0;
let showHolders = (): void => {};

beforeAll(() => {
  ensureBuilt();
  showHolders = hidePrintkHolders();
  valueBefore = readPrintkRatelimitValue();
  savedBefore = existsSync(SAVED) ? readFileSync(SAVED, 'utf8') : undefined;
});
beforeEach(() => {
  setPrintkRatelimit(ORIGINAL);
  rmSync(SAVED, { force: true });
});
afterEach(() => setPrintkRatelimit(valueBefore));
// The test run's own saved value (global-setup) is put back for its teardown and for a next start.
afterAll(() => {
  showHolders();
  if (savedBefore !== undefined) writeFileSync(SAVED, savedBefore);
});

describe('scanlog restores kernel.printk_ratelimit', () => {
  it('SIGHUP: restored, and the process dies of the signal', async () => {
    const cli = startCli(['scanlog', '--source', 'kmsg', '--json']);
    await cli.waitForStderr('INFO: ');
    expect(readPrintkRatelimitValue()).toBe(0);
    cli.child.kill('SIGHUP');
    await cli.exited;
    expect(cli.child.signalCode).toBe('SIGHUP');
    expect(readPrintkRatelimitValue()).toBe(ORIGINAL);
    expect(existsSync(SAVED)).toBe(false);
  });

  it('an error thrown while following (journalctl missing): one error line, exit 1, restored', async () => {
    const child = spawn(process.execPath, [CLI, 'scanlog', '--source', 'journald', '--json'], {
      cwd: ROOT,
      // The native journal reader needs no journalctl: the journalctl reader is the one that can miss it.
      env: { ...process.env, PATH: '/nonexistent', SNAPPY_DEBUG_JOURNAL_READER: 'journalctl' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let loweredSeen = false;
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      if (stderr.includes('kernel.printk_ratelimit = 0')) loweredSeen = true;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(loweredSeen).toBe(true);
    expect(stderr).toBe(
      'kernel.printk_ratelimit = 0\n' +
        'snappy-debug: cannot follow journald: journalctl not found (is systemd installed?)\n',
    );
    expect(code).toBe(1);
    expect(readPrintkRatelimitValue()).toBe(ORIGINAL);
    expect(existsSync(SAVED)).toBe(false);
  });

  it('SIGKILL leaves 0 and the value to restore under /run; the next start restores it', async () => {
    const killed = startCli(['scanlog', '--source', 'kmsg', '--json']);
    await killed.waitForStderr('INFO: ');
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(readPrintkRatelimitValue()).toBe(0);
    expect(readFileSync(SAVED, 'utf8')).toBe(`${ORIGINAL}\n`);

    const next = startCli(['scanlog', '--source', 'kmsg', '--json']);
    await next.waitForStderr('INFO: ');
    expect(readPrintkRatelimitValue()).toBe(0);
    expect(await next.stop('SIGTERM')).toBe(0);
    await until(
      () => readPrintkRatelimitValue() === ORIGINAL,
      () => `printk_ratelimit ${ORIGINAL}`,
    );
    expect(existsSync(SAVED)).toBe(false);
  });
});
