import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  holdersDir,
  lowerPrintkRatelimit,
  readPrintkRatelimit,
  recoverPrintkRatelimit,
  savedPrintkRatelimit,
} from '../../../src/system/printk.js';

// A regular file stands in for the sysctl; the real one is exercised by the system tests.
let dir = '';
let paths = { sysctl: '', saved: '' };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'printk-unit-'));
  paths = { sysctl: join(dir, 'printk_ratelimit'), saved: join(dir, 'run/printk_ratelimit') };
  writeFileSync(paths.sysctl, '5\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lowerPrintkRatelimit', () => {
  it('sets 0, saves the old value, and restore() puts it back once', async () => {
    const lowered = await lowerPrintkRatelimit(paths, false);
    expect(lowered).toMatchObject({ previous: 5, recovered: false });
    expect(readFileSync(paths.sysctl, 'utf8')).toBe('0\n');
    expect(readFileSync(paths.saved, 'utf8')).toBe('5\n');
    await lowered.restore();
    expect(readFileSync(paths.sysctl, 'utf8')).toBe('5\n');
    expect(existsSync(paths.saved)).toBe(false);
    writeFileSync(paths.sysctl, '9\n');
    await lowered.restore();
    expect(readFileSync(paths.sysctl, 'utf8')).toBe('9\n');
  });

  /** What a run killed with SIGKILL leaves: the saved value and its hold file, of a dead pid. */
  function leaveKilledRun(value: number): void {
    const dead = spawnSync('true').pid;
    mkdirSync(holdersDir(paths.saved), { recursive: true });
    writeFileSync(paths.saved, `${value}\n`);
    writeFileSync(join(holdersDir(paths.saved), `${dead}.1`), '');
    writeFileSync(paths.sysctl, '0\n');
  }

  it('takes the original from the saved file a killed run left, not the 0 it set', async () => {
    leaveKilledRun(5);
    const next = await lowerPrintkRatelimit(paths, false);
    expect(next).toMatchObject({ previous: 5, recovered: true });
    await next.restore();
    expect(readPrintkRatelimit(paths.sysctl)).toBe(5);
    expect(readdirSync(holdersDir(paths.saved))).toEqual([]);
  });

  it('two holders: the limit comes back only when the last one lets go', async () => {
    const first = await lowerPrintkRatelimit(paths, false);
    const second = await lowerPrintkRatelimit(paths, false);
    expect(second).toMatchObject({ previous: 5, recovered: false });
    await first.restore();
    expect(readPrintkRatelimit(paths.sysctl)).toBe(0);
    expect(recoverPrintkRatelimit(paths)).toBeUndefined();
    await second.restore();
    expect(readPrintkRatelimit(paths.sysctl)).toBe(5);
    expect(existsSync(paths.saved)).toBe(false);
  });

  it('recoverPrintkRatelimit restores what a killed run left, and does nothing otherwise', async () => {
    expect(recoverPrintkRatelimit(paths)).toBeUndefined();
    leaveKilledRun(5);
    expect(recoverPrintkRatelimit(paths)).toBe(5);
    expect(readPrintkRatelimit(paths.sysctl)).toBe(5);
    expect(savedPrintkRatelimit(paths.saved)).toBeUndefined();
  });

  it('a lock left by a dead process is broken, not waited on forever', async () => {
    mkdirSync(join(dir, 'run'), { recursive: true });
    writeFileSync(`${paths.saved}.lock`, `${spawnSync('true').pid}\n`);
    const lowered = await lowerPrintkRatelimit(paths, false);
    await lowered.restore();
    expect(readPrintkRatelimit(paths.sysctl)).toBe(5);
    expect(existsSync(`${paths.saved}.lock`)).toBe(false);
  });

  it('refuses a sysctl that does not hold a number, with one clear line', () => {
    writeFileSync(paths.sysctl, 'garbage\n');
    expect(() => readPrintkRatelimit(paths.sysctl)).toThrow(
      /^cannot read .*printk_ratelimit: unexpected content 'garbage'$/,
    );
  });

  it('ignores a corrupt saved file', () => {
    writeFileSync(join(dir, 'bad'), 'x');
    expect(savedPrintkRatelimit(join(dir, 'bad'))).toBeUndefined();
  });
});
