/** The run keys, the run-target prompt and the run's progress, as pure state changes. */
import type { RunOutcome } from '../launch/compare-report.js';
import {
  appendOutput,
  currentRun,
  flushPartial,
  isRunning,
  lastFinished,
  MODE_LABELS,
  otherMode,
  parseTarget,
  RUNS_KEPT,
  targetText,
  type OutputStream,
  type RunMode,
  type RunRecord,
  type RunsState,
  type RunTarget,
} from './run-state.js';
import type { StatusMessage, UiState } from './state.js';

export type RunCommand = 'runStrict' | 'runDevmode' | 'runSwitch' | 'runCompare' | 'runTarget' | 'runPanel';

export type RunAction =
  | { readonly type: 'runStarted'; readonly id: number; readonly at: number }
  | { readonly type: 'runOutput'; readonly id: number; readonly stream: OutputStream; readonly text: string }
  | { readonly type: 'runFinished'; readonly id: number; readonly tag: string; readonly outcome: RunOutcome }
  | { readonly type: 'runFailed'; readonly id: number; readonly error: string };

const info = (text: string): StatusMessage => ({ text, level: 'info' });
const error = (text: string): StatusMessage => ({ text, level: 'error' });
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const NO_SNAP_MESSAGE =
  'running needs a snap: restart as scanlog SNAP (add --snap PATH for a .snap file or a directory)';

function withRuns(state: UiState, runs: RunsState, message?: StatusMessage): UiState {
  return { ...state, runs, ...(message ? { message } : {}) };
}

/** Starts a run of `mode`: a new record, and a request the App performs. */
function requestRun(state: UiState, mode: RunMode, target: RunTarget): UiState {
  const runs = state.runs;
  const id = runs.runSeq + 1;
  const record: RunRecord = {
    id,
    mode,
    target,
    phase: 'running',
    lines: [],
    partial: { stdout: '', stderr: '' },
  };
  return withRuns(
    state,
    {
      ...runs,
      runSeq: id,
      request: { id, mode, target, ...(state.policy.policy ? { overlay: state.policy.policy } : {}) },
      history: [record, ...runs.history].slice(0, RUNS_KEPT),
      panel: 'run',
    },
    info(`running ${runs.snap}.${target.app} in ${mode}...`),
  );
}

function openTargetPrompt(state: UiState, pending?: RunMode | 'compare'): UiState {
  const { pendingMode: _dropped, ...runs } = state.runs;
  const prefill = runs.target ? targetText(runs.target) : (runs.apps[0] ?? '');
  return {
    ...state,
    overlay: 'target',
    input: prefill,
    runs: pending === undefined ? runs : { ...runs, pendingMode: pending },
  };
}

/** Why no run can start now, or undefined. */
function blocked(state: UiState): StatusMessage | undefined {
  if (state.runs.snap === undefined) return error(NO_SNAP_MESSAGE);
  if (isRunning(state.runs)) return error('a run is in progress: wait for it to end');
  return undefined;
}

function run(state: UiState, mode: RunMode): UiState {
  const why = blocked(state);
  if (why) return { ...state, message: why };
  if (!state.runs.target) return openTargetPrompt(state, mode);
  return requestRun(state, mode, state.runs.target);
}

/** Runs whichever of strict and devmode is missing for the target, then opens the compare view. */
function compare(state: UiState): UiState {
  if (state.runs.panel === 'compare') return withRuns(state, { ...state.runs, panel: 'run' });
  const why = blocked(state);
  if (why) return { ...state, message: why };
  const target = state.runs.target;
  if (!target) return openTargetPrompt(state, 'compare');
  const missing = (['strict', 'devmode'] as const).filter((m) => !lastFinished(state.runs, m, target));
  const [first, ...rest] = missing;
  if (first === undefined) return withRuns(state, { ...state.runs, panel: 'compare', queue: [] });
  return requestRun(withRuns(state, { ...state.runs, queue: rest, compareWanted: true }), first, target);
}

export function runCommand(state: UiState, command: RunCommand): UiState {
  switch (command) {
    case 'runStrict':
      return run(state, 'strict');
    case 'runDevmode':
      return run(state, 'devmode');
    case 'runSwitch':
      return run(state, otherMode(currentRun(state.runs)?.mode ?? 'devmode'));
    case 'runCompare':
      return compare(state);
    case 'runTarget':
      return state.runs.snap === undefined
        ? { ...state, message: error(NO_SNAP_MESSAGE) }
        : openTargetPrompt(state);
    case 'runPanel':
      return withRuns(state, { ...state.runs, panel: state.runs.panel === 'hidden' ? 'run' : 'hidden' });
  }
}

function submitTarget(state: UiState): UiState {
  const closed: UiState = { ...state, overlay: 'none', input: '' };
  const { pendingMode, ...runs } = state.runs;
  const parsed = parseTarget(state.input, runs.apps);
  if ('error' in parsed) return { ...closed, runs, message: error(parsed.error) };
  const next: UiState = {
    ...closed,
    runs: { ...runs, target: parsed.target },
    message: info(`run target: ${state.runs.snap}.${targetText(parsed.target)}`),
  };
  if (pendingMode === undefined) return next;
  return pendingMode === 'compare' ? compare(next) : run(next, pendingMode);
}

/** Keys typed while the run-target prompt is open. */
export function editTarget(state: UiState, name: string): UiState {
  if (name === 'enter') return submitTarget(state);
  if (name === 'escape') {
    const { pendingMode: _dropped, ...runs } = state.runs;
    return { ...state, overlay: 'none', input: '', runs };
  }
  if (name === 'backspace') return { ...state, input: state.input.slice(0, -1) };
  if (name === 'ctrl+u') return { ...state, input: '' };
  if ([...name].length !== 1) return state;
  return { ...state, input: state.input + name };
}

function updateRun(runs: RunsState, id: number, change: (r: RunRecord) => RunRecord): RunsState {
  return { ...runs, history: runs.history.map((r) => (r.id === id ? change(r) : r)) };
}

function finished(state: UiState, id: number, tag: string, outcome: RunOutcome): UiState {
  const record = state.runs.history.find((r) => r.id === id);
  if (!record) return state;
  const runs = updateRun(state.runs, id, (r) => ({ ...flushPartial(r), phase: 'finished', tag, outcome }));
  const summary =
    `${MODE_LABELS[record.mode]} run of ${tag}: exit ${outcome.exit} in ${outcome.durationMs} ms, ` +
    plural(outcome.denials.length, 'denial');
  const [next, ...rest] = runs.queue;
  if (next !== undefined) return requestRun(withRuns(state, { ...runs, queue: rest }), next, record.target);
  if (runs.compareWanted)
    return withRuns(state, { ...runs, compareWanted: false, panel: 'compare' }, info(summary));
  return withRuns(state, runs, info(summary));
}

export function reduceRun(state: UiState, action: RunAction): UiState {
  switch (action.type) {
    case 'runStarted':
      return withRuns(
        state,
        updateRun(state.runs, action.id, (r) => ({ ...r, startedAt: action.at })),
      );
    case 'runOutput':
      return withRuns(
        state,
        updateRun(state.runs, action.id, (r) => appendOutput(r, action.stream, action.text)),
      );
    case 'runFinished':
      return finished(state, action.id, action.tag, action.outcome);
    case 'runFailed': {
      const runs = updateRun(state.runs, action.id, (r) => ({
        ...flushPartial(r),
        phase: 'failed',
        error: action.error,
      }));
      return withRuns(
        state,
        { ...runs, queue: [], compareWanted: false },
        error(`run failed: ${action.error}`),
      );
    }
  }
}
