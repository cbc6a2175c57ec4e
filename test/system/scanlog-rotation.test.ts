import {
  closeSync,
  copyFileSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from './support/cli.js';
import { ensureBuilt } from '../support/build.js';

// scanlog following a log file while it is rotated: N denials written, N printed, each once.

const dir = mkdtempSync(join(tmpdir(), 'scanlog-rotation-'));
beforeAll(() => ensureBuilt());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function denialLine(n: number): string {
  return `Nov 22 11:00:00 vm kernel: [ ${n}.000000] audit: type=1326 audit(1763809200.${String(n % 1000).padStart(3, '0')}:${n}): auid=1000 uid=1000 gid=1000 ses=2 subj=snap.rot.app (enforce) pid=${100000 + n} comm="app" exe="/snap/rot/1/bin/app" sig=0 arch=c000003e syscall=165 compat=0 ip=0x7f0000001000 code=0x50000\n`;
}

function noiseLine(n: number): string {
  return `Nov 22 11:00:00 vm systemd[1]: noise ${n}\n`;
}

async function writeWhileRotating(
  path: string,
  total: number,
  rotate: (fd: number) => number,
): Promise<void> {
  let fd = openSync(path, 'a');
  for (let n = 0; n < total; n++) {
    writeSync(fd, denialLine(n) + noiseLine(n));
    if (n % 20 === 19) await pause(5);
    // Rotations are kept a few poll intervals away from other changes: a rotation within one
    // poll of the previous one, or of the first write, is a documented limit of
    // src/sources/file-follower.ts (logrotate runs daily).
    if (n === Math.floor(total / 3) || n === Math.floor((2 * total) / 3)) {
      await pause(200);
      fd = rotate(fd);
      await pause(200);
    }
  }
  closeSync(fd);
}

function pidsOf(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { pid: number }).pid);
}

describe('scanlog --file --follow during rotation', () => {
  it.each([
    [
      'rename',
      (path: string) => (fd: number) => {
        renameSync(path, `${path}.${Date.now()}`);
        closeSync(fd);
        return openSync(path, 'a');
      },
    ],
    [
      'copytruncate',
      (path: string) => (fd: number) => {
        copyFileSync(path, `${path}.${Date.now()}`);
        ftruncateSync(fd, 0);
        return fd;
      },
    ],
  ])('%s: every denial printed exactly once', async (name, rotation) => {
    const path = join(dir, `${name}.log`);
    closeSync(openSync(path, 'w'));
    const total = 300;
    const cli = startCli(['scanlog', '--file', path, '--follow', '--json', 'rot']);
    try {
      await cli.waitForStderr('INFO: ');
      await writeWhileRotating(path, total, rotation(path));
      await cli.waitForStdout((out) => out.split('\n').filter(Boolean).length >= total);
      await pause(300);
      const pids = pidsOf(cli.stdout());
      expect(pids).toHaveLength(total);
      expect([...pids].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, n) => 100000 + n));
    } finally {
      expect(await cli.stop()).toBe(0);
    }
    expect(cli.stderr()).not.toContain('WARN');
  });
});
