import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/build.js';

// A --file replay of a FIFO no writer has opened yet waits in open(2), on a libuv thread an abort
// cannot cancel: SIGTERM must still end it (src/sources/abortable-open.ts).
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync('/tmp/snappy-debug-fifo.');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Whether a thread of process `pid` waits in the kernel for a FIFO's other end. */
function waitsForWriter(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some(
      (task) => readFileSync(`/proc/${pid}/task/${task}/wchan`, 'utf8') === 'wait_for_partner',
    );
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('scanlog --file FIFO', () => {
  it('ends on SIGTERM while no writer has opened the FIFO', async () => {
    const fifo = join(dir, 'log');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'dist/src/main.js'),
        'scanlog',
        '--file',
        fifo,
        '--no-follow',
        '--json',
        '--keep-ratelimit',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await until(() => waitsForWriter(child.pid!), 'scanlog waits for a writer');
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000)),
      ]);
      expect(code, stderr).toBe(0);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n').at(-1)).toBe('scanlog: 0 lines, 0 denials (0 shown), 0 unparsed');
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
