import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the benchmarks' log generator).
import { generateSyslog } from '../../bench/gen-syslog.mjs';
import { closeUntakenSuggestionThread, startSuggestionThreadEarly } from '../../src/early-suggestion.js';
import { ensureBuilt } from '../support/build.js';
import { CLI } from './support/cli.js';
import { holdsOpen, snapshotChildrenOf } from './support/processes.js';

// The bin entry starts a batch replay's suggestion process before scanlog's modules load
// (src/early-suggestion.ts); scanlog takes it, or main.ts closes it.
let dir: string;
let log: string;
const threaded = { ...process.env, SNAPPY_DEBUG_SUGGEST_THREAD: '1' };

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'snappy-debug-early.'));
  log = join(dir, 'syslog.log');
  await (generateSyslog as (path: string, lines: number) => Promise<void>)(log, 20_000);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(check: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe("a batch replay's suggestion process started by the bin entry", () => {
  it('prints what a start by the command prints', () => {
    const replay = (extra: string[]): Buffer =>
      execFileSync(
        process.execPath,
        [CLI, 'scanlog', '--file', log, '--no-follow', '--json', '--include-unconfined', ...extra],
        { env: threaded, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] },
      );
    // A trailing `--` is nothing to scanlog's parse, but the bin entry's first look declines it.
    const early = replay([]);
    expect(early.length).toBeGreaterThan(256 * 1024);
    expect(early.equals(replay(['--']))).toBe(true);
  });

  it('is the only one: scanlog takes it instead of starting another', async () => {
    const fifo = join(dir, 'only.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const cli = spawn(process.execPath, [CLI, 'scanlog', '--file', fifo, '--no-follow', '--json'], {
      env: threaded,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    try {
      // Once the scan has the FIFO open, scanlog has taken its thread (or started its own).
      expect(await until(() => holdsOpen(cli.pid!, fifo))).toBe(true);
      expect(snapshotChildrenOf(cli.pid!)).toHaveLength(1);
    } finally {
      closeSync(writer);
    }
    expect(await exited).toBe(0);
  }, 60_000);

  it('is closed (its process gone) when the command does not take it', async () => {
    const before = snapshotChildrenOf(process.pid);
    const saved = process.env.SNAPPY_DEBUG_SUGGEST_THREAD;
    process.env.SNAPPY_DEBUG_SUGGEST_THREAD = '1';
    try {
      startSuggestionThreadEarly(['scanlog', '--file', log, '--json']);
    } finally {
      if (saved === undefined) delete process.env.SNAPPY_DEBUG_SUGGEST_THREAD;
      else process.env.SNAPPY_DEBUG_SUGGEST_THREAD = saved;
    }
    let started: number[] = [];
    // The process is forked at once; its command line is the snapshot's once it has exec'd.
    await until(
      () => (started = snapshotChildrenOf(process.pid).filter((pid) => !before.includes(pid))).length > 0,
    );
    expect(started).toHaveLength(1);
    await closeUntakenSuggestionThread();
    expect(await until(() => !snapshotChildrenOf(process.pid).includes(started[0]!))).toBe(true);
  }, 60_000);
});
