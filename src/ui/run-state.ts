/** The UI's runs of the followed snap's app, strict or devmode: what was asked, what came out. */
import type { RunOutcome } from '../launch/compare-report.js';
import type { PolicyOverlay } from '../overlay/overlay.js';

export type RunMode = 'strict' | 'devmode';

/** The app and its arguments, asked once and remembered. */
export interface RunTarget {
  readonly app: string;
  readonly args: readonly string[];
}

export type OutputStream = 'stdout' | 'stderr' | 'note';

export interface OutputLine {
  readonly stream: OutputStream;
  readonly text: string;
}

/** Lines of output a run keeps (the panel shows the last ones). */
export const OUTPUT_LINES_KEPT = 200;

export interface RunRecord {
  readonly id: number;
  readonly mode: RunMode;
  readonly target: RunTarget;
  readonly phase: 'running' | 'finished' | 'failed';
  /** When the App started it (ms since the epoch), for the elapsed time while it runs. */
  readonly startedAt?: number;
  /** Complete lines, oldest first, at most OUTPUT_LINES_KEPT. */
  readonly lines: readonly OutputLine[];
  /** What came after the last newline of stdout and stderr. */
  readonly partial: Readonly<Record<'stdout' | 'stderr', string>>;
  /** The run's outcome (exit, duration, output, enriched denials) once finished. */
  readonly outcome?: RunOutcome;
  /** The launcher's security tag, e.g. snap.hello.app. */
  readonly tag?: string;
  /** Why the run could not start (bad snap, policy, no launcher). */
  readonly error?: string;
}

/** What the UI knows about running the followed snap (from scanlog SNAP, --snap, --user). */
export interface RunContextInfo {
  /** The snap to run; undefined when scanlog follows all snaps. */
  readonly snap?: string;
  /** Its apps, in snap.yaml order; empty when they could not be read. */
  readonly apps: readonly string[];
}

export interface RunsState {
  readonly snap?: string;
  readonly apps: readonly string[];
  readonly target?: RunTarget;
  /** The mode to run once the target prompt is answered. */
  readonly pendingMode?: RunMode | 'compare';
  /** Runs newest first: the current one and those kept for comparison. */
  readonly history: readonly RunRecord[];
  /** The newest run id handed out; a request with a new id is work to do. */
  readonly runSeq: number;
  /** The run the App should start, when `request.id` is new to it. */
  readonly request?: {
    readonly id: number;
    readonly mode: RunMode;
    readonly target: RunTarget;
    /** The policy overlay as it was when the run was asked for. */
    readonly overlay?: PolicyOverlay;
  };
  /** Modes still to run before the compare view opens. */
  readonly queue: readonly RunMode[];
  readonly compareWanted: boolean;
  readonly panel: 'hidden' | 'run' | 'compare';
}

/** Runs kept: enough for the last strict and devmode runs of two targets. */
export const RUNS_KEPT = 4;

export function initialRuns(context: RunContextInfo = { apps: [] }): RunsState {
  return {
    ...(context.snap !== undefined ? { snap: context.snap } : {}),
    apps: context.apps,
    history: [],
    runSeq: 0,
    queue: [],
    compareWanted: false,
    panel: 'hidden',
  };
}

export const MODE_LABELS: Readonly<Record<RunMode, string>> = { strict: 'STRICT', devmode: 'DEVMODE' };

export function otherMode(mode: RunMode): RunMode {
  return mode === 'strict' ? 'devmode' : 'strict';
}

/** `app arg1 arg2` as the prompt shows it. */
export function targetText(target: RunTarget): string {
  return [target.app, ...target.args].join(' ');
}

export function sameTarget(a: RunTarget, b: RunTarget): boolean {
  return a.app === b.app && a.args.length === b.args.length && a.args.every((arg, i) => arg === b.args[i]);
}

/** The newest finished run of `mode` for `target`. */
export function lastFinished(runs: RunsState, mode: RunMode, target: RunTarget): RunRecord | undefined {
  return runs.history.find((r) => r.mode === mode && r.phase === 'finished' && sameTarget(r.target, target));
}

export function currentRun(runs: RunsState): RunRecord | undefined {
  return runs.history[0];
}

export function isRunning(runs: RunsState): boolean {
  return runs.history.some((r) => r.phase === 'running');
}

/** The header's indicator: `idle`, `STRICT running`, `DEVMODE exit 0`, `STRICT failed`. */
export function modeIndicator(runs: RunsState): string {
  const run = currentRun(runs);
  if (!run) return 'idle';
  const label = MODE_LABELS[run.mode];
  if (run.phase === 'running') return `${label} running`;
  if (run.phase === 'failed') return `${label} failed`;
  return `${label} exit ${run.outcome?.exit ?? '?'}`;
}

/** Adds a chunk of the app's output: complete lines join `lines` (the newest kept), the rest waits. */
export function appendOutput(record: RunRecord, stream: OutputStream, text: string): RunRecord {
  if (stream === 'note') return { ...record, lines: keepLast([...record.lines, { stream, text }]) };
  const pieces = (record.partial[stream] + text).split('\n');
  const rest = pieces.pop() ?? '';
  const added = pieces.map((line) => ({ stream, text: line }));
  return {
    ...record,
    lines: added.length > 0 ? keepLast([...record.lines, ...added]) : record.lines,
    partial: { ...record.partial, [stream]: rest },
  };
}

/** Flushes unterminated output into `lines` (the run has ended). */
export function flushPartial(record: RunRecord): RunRecord {
  const rest = (['stdout', 'stderr'] as const)
    .filter((s) => record.partial[s] !== '')
    .map((s) => ({ stream: s, text: record.partial[s] }));
  return rest.length === 0
    ? record
    : { ...record, lines: keepLast([...record.lines, ...rest]), partial: { stdout: '', stderr: '' } };
}

function keepLast(lines: readonly OutputLine[]): readonly OutputLine[] {
  return lines.length > OUTPUT_LINES_KEPT ? lines.slice(lines.length - OUTPUT_LINES_KEPT) : lines;
}

/** Parses `app arg...` typed at the prompt; words split on blanks, '…' or "…" keep blanks. Pure. */
export function parseTarget(
  text: string,
  apps: readonly string[],
): { readonly target: RunTarget } | { readonly error: string } {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(pattern)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  if (/["']/.test(text.replace(/"[^"]*"|'[^']*'/g, ''))) return { error: `unbalanced quote in "${text}"` };
  const [app, ...args] = words;
  if (app === undefined) return { error: 'no app given: type APP [ARGS...]' };
  if (apps.length > 0 && !apps.includes(app))
    return { error: `no app "${app}" in the snap (apps: ${apps.join(', ')})` };
  return { target: { app, args } };
}
