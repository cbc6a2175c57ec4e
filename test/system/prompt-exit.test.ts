import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the benchmarks' log generator).
import { generateSyslog } from '../../bench/gen-syslog.mjs';
import { ensureBuilt } from '../support/build.js';
import { CLI } from './support/cli.js';
import { snapshotChildrenOf } from './support/processes.js';

// A batch replay (scanlog --file, printed) ends with process.exit as soon as its output has left
// (src/main.ts, src/prompt-exit.ts): nothing it wrote may be lost, its status and its suggestion
// process's end must be what a natural exit gave.
let dir: string;
let log: string;
const threaded = { ...process.env, SNAPPY_DEBUG_SUGGEST_THREAD: '1' };
const REPLAY = ['scanlog', '--file', '', '--no-follow', '--json', '--include-unconfined'];

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'snappy-debug-prompt-exit.'));
  log = join(dir, 'syslog.log');
  // Some 600 KB of JSON lines: far more than a pipe holds, so a slow reader makes writes wait.
  await (generateSyslog as (path: string, lines: number) => Promise<void>)(log, 20_000);
  REPLAY[2] = log;
  replay = `'${process.execPath}' '${CLI}' ${REPLAY.map((arg) => `'${arg}'`).join(' ')}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `command` run by bash with pipefail: its exit status and what it printed. */
function bash(command: string): { status: number | null; stdout: string } {
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', command], { encoding: 'utf8', env: threaded });
  return { status: result.status, stdout: result.stdout };
}

let replay = '';

describe('a batch replay that exits as soon as it is done', () => {
  it('hands a slow reader every byte of its output and its stats line', () => {
    const whole = execFileSync(process.execPath, [CLI, ...REPLAY], { env: threaded, maxBuffer: 1 << 28 });
    expect(whole.length).toBeGreaterThan(256 * 1024);
    // The reader starts reading a second after the replay began: most of the output waits in the
    // process (the descriptor says EAGAIN) when its work is done.
    const slow = bash(`${replay} 2>${dir}/stderr | (sleep 1; wc -c)`);
    expect(slow.status).toBe(0);
    expect(Number(slow.stdout.trim())).toBe(whole.length);
    expect(readFileSync(join(dir, 'stderr'), 'utf8')).toMatch(/\nscanlog: 20000 lines, \d+ denials/);
    // Both into one slow pipe: when the output is done the pipe is full, and the stats line waits
    // in process.stderr's buffer.
    const both = bash(`${replay} 2>&1 | (sleep 1; cat)`);
    expect(both.status).toBe(0);
    expect(both.stdout.length).toBeGreaterThan(whole.length);
    expect(both.stdout).toMatch(/\nscanlog: 20000 lines, \d+ denials[^\n]*\n$/);
  });

  it('keeps its exit statuses: 1 on a file it cannot read, 2 on bad usage, 0 when the reader leaves', () => {
    expect(bash(`${replay.replace(log, join(dir, 'missing.log'))} 2>&1`)).toEqual({
      status: 1,
      stdout: `snappy-debug: cannot read ${join(dir, 'missing.log')}: no such file\n`,
    });
    expect(bash(`${replay} --bogus 2>&1`).status).toBe(2);
    expect(bash(`${replay} 2>/dev/null | head -c 100 >/dev/null`).status).toBe(0);
  });

  it('leaves kernel.printk_ratelimit as it found it', () => {
    const sysctl = '/proc/sys/kernel/printk_ratelimit';
    const before = readFileSync(sysctl, 'utf8');
    expect(bash(`${replay} >/dev/null 2>&1`).status).toBe(0);
    expect(readFileSync(sysctl, 'utf8')).toBe(before);
  });

  it('has reaped its suggestion process when it exits (no zombie left behind)', async () => {
    // A FIFO as the file, held open here: the replay waits on it with its suggestion process started.
    const fifo = join(dir, 'log.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const cli = spawn(process.execPath, [CLI, ...REPLAY.map((arg) => (arg === log ? fifo : arg))], {
      env: threaded,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    cli.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    let children: number[] = [];
    const deadline = Date.now() + 20_000;
    while ((children = snapshotChildrenOf(cli.pid!)).length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(children).toHaveLength(1);
    const lines = readFileSync(log, 'utf8').split('\n').slice(0, 2000).join('\n');
    for (let at = 0; at < lines.length;) {
      try {
        at += writeSync(writer, lines.slice(at, at + 32 * 1024));
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    writeSync(writer, '\n');
    closeSync(writer);
    expect(await exited).toBe(0);
    expect(stderr).toContain('scanlog: 2000 lines');
    // Waited for, not just killed: not even a zombie remains.
    expect(existsSync(`/proc/${children[0]}`)).toBe(false);
  }, 60_000);
});
