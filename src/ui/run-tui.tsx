import { appendFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { relative, resolve, sep } from 'node:path';
import type { DenialFeed } from '../../components/useDenialFeed.js';
import type { Denial } from '../model/denial.js';
import { FeedTrace, setFeedTrace } from './feed-trace.js';
import { GroupStore } from './group-store.js';
import type { SnapRunner, SnapRunnerOptions } from './snap-runner.js';
import { colourWanted } from './theme.js';

export interface TuiOptions {
  /** Enriched denials, live; or a source's line batches and the step from a line to its denial. */
  readonly denials: AsyncIterable<Denial> | DenialFeed;
  /** e.g. "journald (journalctl --follow)". */
  readonly sourceDescription: string;
  /** Positional SNAP / --only-snap. */
  readonly snapFilter?: string;
  /** Counters from the pipeline. */
  readonly stats: () => { lines: number; unparsed: number; gaps: number };
  /** Which snap the run keys run, where it is and as whom (scanlog SNAP, --snap, --user). */
  readonly run?: SnapRunnerOptions;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
}

const ENTER_ALTERNATE_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALTERNATE_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';
const QUIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Ink's frame limit (bench/tui.mjs renders with the same), high enough not to hold any frame back:
 * at 60, a key rendered within 17 ms after a redraw had its frame drawn 17 ms after its render
 * (Ink's trailing edge). What changes the state is paced before it gets here: denials
 * (useDenialFeed, every 25-160 ms), a run's output (useRunWork, every 33 ms), stats (twice a
 * second), keys (a human's pace).
 */
export const MAX_FPS = 1000;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** snappy-debug-report-YYYYMMDD-HHMMSS.md in the current directory. */
export function defaultReportPath(now: Date): string {
  const stamp =
    `${now.getFullYear()}${pad2(now.getMonth() + 1)}${pad2(now.getDate())}-` +
    `${pad2(now.getHours())}${pad2(now.getMinutes())}${pad2(now.getSeconds())}`;
  return resolve(`snappy-debug-report-${stamp}.md`);
}

/** A path as short as it can be told: relative when under the current directory. */
export function displayPath(path: string, cwd: string): string {
  const inside = relative(cwd, path);
  return inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep) ? `.${sep}${inside}` : path;
}

/** Writes next to the target and renames, so a reader never sees half a report. Returns the path to show. */
export async function writeReportAtomically(path: string | undefined, markdown: string): Promise<string> {
  const target = resolve(path ?? defaultReportPath(new Date()));
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, markdown, { flag: 'wx', mode: 0o644 });
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`cannot write ${target}${code ? ` (${code})` : ''}`);
  }
  return displayPath(target, process.cwd());
}

/**
 * React and Ink pick their development or production build when first loaded. The development
 * build records every prop diff for its profiler, which costs seconds per render with 100,000
 * groups; so unless the user asked for something else, load them as production. (No JSX in this
 * file for the same reason: it would load react/jsx-runtime before NODE_ENV is set.)
 */
async function loadUi() {
  process.env.NODE_ENV ??= 'production';
  const [{ render }, { createElement }, { App }] = await Promise.all([
    import('ink'),
    import('react'),
    import('../../components/App.js'),
  ]);
  return { render, createElement, App };
}

/** The run keys' runner when a snap is named; loaded only then (it brings the launcher's modules). */
async function loadRunner(options: SnapRunnerOptions | undefined): Promise<SnapRunner | undefined> {
  if (options?.snap === undefined) return undefined;
  const { makeSnapRunner } = await import('./snap-runner.js');
  return makeSnapRunner({ ...options, writeText: writeReportAtomically });
}

/**
 * With SNAPPY_DEBUG_TRACE=FILE (and SNAPPY_DEBUG_TRACE_SYSCALL=NUMBER, the denials to follow),
 * the feed's and the terminal's timings are appended to FILE every second and at the end, for
 * bench/load.mjs. Returns the function that stops tracing.
 */
function startTrace(env: NodeJS.ProcessEnv, stdout: NodeJS.WriteStream): () => void {
  const file = env['SNAPPY_DEBUG_TRACE'];
  const syscall = Number(env['SNAPPY_DEBUG_TRACE_SYSCALL']);
  if (!file) return () => {};
  if (!Number.isInteger(syscall)) throw new Error('SNAPPY_DEBUG_TRACE_SYSCALL must be a syscall number');
  const trace = new FeedTrace(syscall);
  setFeedTrace(trace);
  const write = stdout.write.bind(stdout) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    trace.frame(chunk.length);
    return write(chunk, ...rest);
  }) as typeof stdout.write;
  const save = (): void => appendFileSync(file, trace.take());
  const timer = setInterval(save, 1000).unref();
  return () => {
    clearInterval(timer);
    save();
    setFeedTrace(undefined);
  };
}

/**
 * Runs the interactive UI on the alternate screen until the user quits; resolves with the exit
 * status. The terminal is restored on every way out, crashes included.
 */
export async function runTui(options: TuiOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  let instance: { unmount(): void; waitUntilExit(): Promise<unknown> } | undefined;
  let restored = false;
  // Ink draws its last frame when it unmounts: that must happen on the alternate screen, before we leave it.
  const restore = (): void => {
    if (restored) return;
    restored = true;
    try {
      instance?.unmount();
    } catch {
      // a broken tree must not keep the terminal broken
    }
    if (stdin.isTTY) stdin.setRawMode(false);
    stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  };
  const onCrash = (error: unknown): void => {
    restore();
    process.stderr.write(
      `snappy-debug: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(70);
  };
  process.on('exit', restore);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  let status = 0;
  // A signal ends the UI like q does, with the shell's 128+N status, so the caller's cleanup runs.
  const onSignal = (signal: NodeJS.Signals): void => {
    status = 128 + (constants.signals[signal] ?? 0);
    instance?.unmount();
  };
  for (const signal of QUIT_SIGNALS) process.on(signal, onSignal);
  const [{ render, createElement, App }, runner] = await Promise.all([loadUi(), loadRunner(options.run)]);
  stdout.write(ENTER_ALTERNATE_SCREEN);
  const stopTrace = startTrace(process.env, stdout);
  try {
    instance = render(
      createElement(App, {
        store: new GroupStore(),
        denials: options.denials,
        sourceDescription: options.sourceDescription,
        ...(options.snapFilter ? { snapFilter: options.snapFilter } : {}),
        stats: options.stats,
        colour: colourWanted(process.env),
        writeReport: writeReportAtomically,
        ...(runner ? { runner } : {}),
      }),
      { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: MAX_FPS },
    );
    await instance.waitUntilExit();
    return status;
  } finally {
    stopTrace();
    restore();
    for (const signal of QUIT_SIGNALS) process.off(signal, onSignal);
    process.off('exit', restore);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
}
