/** Starting snappy-debug-confine and reading its report descriptor line by line. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { packageRoot } from '../paths.js';
import { LineSplitter } from '../sources/line-splitter.js';

export function launcherPath(): string {
  return process.env.SNAPPY_DEBUG_CONFINE ?? join(packageRoot(), 'native/build/snappy-debug-confine');
}

export class LauncherMissingError extends Error {}

export interface LaunchStreams {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/**
 * Runs the launcher; each line it reports (notes, DEVICE_CGROUP lines, the run's kernel seccomp
 * records) goes to onReport. The app's own stdio is this process's when `streams` are the
 * process's, else piped to them; then `input`, when given, is the app's whole stdin (else it
 * has none). Resolves with the app's exit status (128+N for signal N).
 */
export async function runLauncher(
  args: readonly string[],
  streams: LaunchStreams,
  onReport: (line: string) => void,
  input?: Uint8Array,
): Promise<number> {
  const path = launcherPath();
  if (!existsSync(path))
    throw new LauncherMissingError(`cannot find the launcher ${path} (run npm run build:native)`);
  const inherit = streams.stdout === process.stdout;
  const child = spawn(path, ['--report-fd', '3', ...args], {
    stdio: inherit
      ? ['inherit', 'inherit', 'inherit', 'pipe']
      : [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe', 'pipe'],
  });
  if (!inherit && input !== undefined && child.stdin) {
    // An app that exits without reading all of its stdin is not an error of ours (EPIPE).
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  }
  if (!inherit) {
    child.stdout?.pipe(streams.stdout, { end: false });
    child.stderr?.pipe(streams.stderr, { end: false });
  }
  const report = child.stdio[3] as Readable;
  const lines = new LineSplitter();
  report.on('data', (chunk: Buffer) => {
    for (const line of lines.push(chunk)) onReport(line);
  });
  report.on('end', () => {
    const last = lines.finish();
    if (last !== undefined) onReport(last);
  });
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    });
    if (code !== null) return code;
    return 128 + (signal === null ? 0 : (await import('node:os')).constants.signals[signal]);
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}
