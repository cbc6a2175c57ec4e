import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT } from '../../support/build.js';

export const CLI = resolve(ROOT, 'dist/src/main.js');

export interface RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr holds `text` (e.g. the INFO line that says the source is positioned). */
  waitForStderr(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves once stdout satisfies `predicate`. */
  waitForStdout(predicate: (stdout: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

async function until(check: () => boolean, what: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts `snappy-debug ARGS` as a real process (the built CLI). */
export function startCli(args: readonly string[], options: { uid?: number; gid?: number } = {}): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    stdio: 'pipe',
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStderr: (text, timeoutMs = 15_000) =>
      until(
        () => (typeof text === 'string' ? err.includes(text) : text.test(err)),
        () => `${String(text)} on stderr; stderr so far: ${err}`,
        timeoutMs,
      ),
    waitForStdout: (predicate, timeoutMs = 15_000) =>
      until(
        () => predicate(out),
        () => `stdout condition; stdout so far: ${out}\nstderr: ${err}`,
        timeoutMs,
      ),
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs `snappy-debug ARGS` to completion, stdin from `input`. */
export function runCli(
  args: readonly string[],
  input = '',
  options: { uid?: number } = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
