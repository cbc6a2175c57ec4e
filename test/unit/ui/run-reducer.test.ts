import { describe, expect, it } from 'vitest';
import type { RunOutcome } from '../../../src/launch/compare-report.js';
import { dispatchKey, reduce, type ViewInfo } from '../../../src/ui/reducer.js';
import { NO_SNAP_MESSAGE } from '../../../src/ui/run-reducer.js';
import {
  appendOutput,
  currentRun,
  modeIndicator,
  OUTPUT_LINES_KEPT,
  parseTarget,
  type RunRecord,
} from '../../../src/ui/run-state.js';
import { initialState, type UiState } from '../../../src/ui/state.js';
import { syscallDenial } from './fixtures.js';

const VIEW: ViewInfo = {
  length: 0,
  keyAt: () => undefined,
  indexOf: () => -1,
  newestIndex: -1,
  pageSize: 5,
  detailHeight: 5,
  detailLength: 0,
};

function press(state: UiState, keys: readonly string[]): UiState {
  return keys.reduce((s, name) => dispatchKey(s, name, VIEW), state);
}

function type(state: UiState, text: string): UiState {
  return press(state, [...text]);
}

const withSnap = (): UiState =>
  initialState({ snap: 'hello', runs: { snap: 'hello', apps: ['app', 'tool'] } });

function outcome(exit: number, stdout = ''): RunOutcome {
  const out = { text: stdout, bytes: stdout.length, digest: `d-${stdout}` };
  return {
    exit,
    durationMs: 12,
    stdout: out,
    stderr: { text: '', bytes: 0, digest: 'none' },
    denials: [syscallDenial('hello', 'app', 251, 100, 'ioprio_set')],
  };
}

function finish(state: UiState, exit: number, stdout = ''): UiState {
  const id = state.runs.request!.id;
  return reduce(state, { type: 'runFinished', id, tag: 'snap.hello.app', outcome: outcome(exit, stdout) });
}

describe('run keys', () => {
  it('say which snap they need when scanlog follows all snaps', () => {
    for (const key of ['r', 'd', 'm', 'c', 'R']) {
      const s = press(initialState(), [key]);
      expect(s.message).toEqual({ level: 'error', text: NO_SNAP_MESSAGE });
      expect(s.runs.request).toBeUndefined();
      expect(s.overlay).toBe('none');
    }
  });

  it('ask for the app once, prefilled with the first app, then run strict', () => {
    let s = press(withSnap(), ['r']);
    expect(s.overlay).toBe('target');
    expect(s.input).toBe('app');
    s = type(s, ' ioprio open "/dev/my fuse"');
    s = press(s, ['enter']);
    expect(s.overlay).toBe('none');
    expect(s.runs.target).toEqual({ app: 'app', args: ['ioprio', 'open', '/dev/my fuse'] });
    expect(s.runs.request).toEqual({ id: 1, mode: 'strict', target: s.runs.target });
    expect(modeIndicator(s.runs)).toBe('STRICT running');
    expect(s.runs.panel).toBe('run');
    // The target is remembered: the next run does not ask.
    s = finish(s, 1);
    expect(modeIndicator(s.runs)).toBe('STRICT exit 1');
    expect(s.message?.text).toBe('STRICT run of snap.hello.app: exit 1 in 12 ms, 1 denial');
    s = press(s, ['d']);
    expect(s.overlay).toBe('none');
    expect(s.runs.request).toMatchObject({ id: 2, mode: 'devmode' });
  });

  it('refuses an app the snap does not have and keeps nothing half-set', () => {
    let s = press(withSnap(), ['r']);
    s = press(s, ['backspace', 'backspace', 'backspace']);
    s = press(type(s, 'nope'), ['enter']);
    expect(s.message).toEqual({ level: 'error', text: 'no app "nope" in the snap (apps: app, tool)' });
    expect(s.runs.target).toBeUndefined();
    expect(s.runs.request).toBeUndefined();
    expect(s.runs.pendingMode).toBeUndefined();
  });

  it('Esc at the prompt runs nothing; R changes the target without running', () => {
    let s = press(withSnap(), ['r', 'escape']);
    expect(s.runs.request).toBeUndefined();
    s = press(s, ['R']);
    expect(s.input).toBe('app');
    s = press(type(press(s, ['ctrl+u']), 'tool --verbose'), ['enter']);
    expect(s.runs.target).toEqual({ app: 'tool', args: ['--verbose'] });
    expect(s.runs.request).toBeUndefined();
    expect(press(s, ['R']).input).toBe('tool --verbose');
  });

  it('m switches the mode and runs again; one run at a time; the previous run is kept', () => {
    let s = press(type(press(withSnap(), ['m']), ''), ['enter']);
    expect(s.runs.request?.mode).toBe('strict');
    expect(press(s, ['m']).message?.text).toBe('a run is in progress: wait for it to end');
    s = press(finish(s, 1), ['m']);
    expect(s.runs.request).toMatchObject({ id: 2, mode: 'devmode' });
    s = finish(s, 0);
    expect(s.runs.history.map((r) => [r.mode, r.outcome?.exit])).toEqual([
      ['devmode', 0],
      ['strict', 1],
    ]);
    expect(press(s, ['m']).runs.request?.mode).toBe('strict');
  });

  it('c runs whichever of strict and devmode is missing, then opens the compare view', () => {
    let s = press(press(withSnap(), ['c']), ['enter']);
    expect(s.runs.request).toMatchObject({ id: 1, mode: 'strict' });
    expect(s.runs.queue).toEqual(['devmode']);
    s = finish(s, 1, 'no');
    expect(s.runs.request).toMatchObject({ id: 2, mode: 'devmode' });
    expect(s.runs.panel).toBe('run');
    s = finish(s, 0, 'yes');
    expect(s.runs.panel).toBe('compare');
    // Both exist now: c closes the view and opens it again without running.
    s = press(s, ['c']);
    expect(s.runs.panel).toBe('run');
    s = press(s, ['c']);
    expect(s.runs.panel).toBe('compare');
    expect(s.runs.request?.id).toBe(2);
  });

  it('a run that cannot start says why and stops the compare queue', () => {
    let s = press(press(withSnap(), ['c']), ['enter']);
    s = reduce(s, { type: 'runFailed', id: 1, error: 'cannot find the launcher' });
    expect(s.message).toEqual({ level: 'error', text: 'run failed: cannot find the launcher' });
    expect(s.runs.queue).toEqual([]);
    expect(s.runs.compareWanted).toBe(false);
    expect(modeIndicator(s.runs)).toBe('STRICT failed');
  });

  it('p shows and hides the run panel', () => {
    const s = press(withSnap(), ['p']);
    expect(s.runs.panel).toBe('run');
    expect(press(s, ['p']).runs.panel).toBe('hidden');
  });

  it('collects live output into lines, joining chunks split mid-line', () => {
    let s = press(press(withSnap(), ['r']), ['enter']);
    const out = (stream: 'stdout' | 'stderr' | 'note', text: string) =>
      (s = reduce(s, { type: 'runOutput', id: 1, stream, text }));
    out('stdout', 'hel');
    out('stderr', 'oops\n');
    out('stdout', 'lo\nwor');
    out('note', 'AppArmor is not available');
    expect(currentRun(s.runs)?.lines).toEqual([
      { stream: 'stderr', text: 'oops' },
      { stream: 'stdout', text: 'hello' },
      { stream: 'note', text: 'AppArmor is not available' },
    ]);
    s = finish(s, 0);
    expect(currentRun(s.runs)?.lines.at(-1)).toEqual({ stream: 'stdout', text: 'wor' });
  });
});

describe('run state helpers', () => {
  it('keep the last OUTPUT_LINES_KEPT lines', () => {
    const record: RunRecord = {
      id: 1,
      mode: 'strict',
      target: { app: 'app', args: [] },
      phase: 'running',
      lines: [],
      partial: { stdout: '', stderr: '' },
    };
    const text = Array.from({ length: OUTPUT_LINES_KEPT + 5 }, (_, i) => `line ${i}`).join('\n');
    const lines = appendOutput(record, 'stdout', `${text}\n`).lines;
    expect(lines).toHaveLength(OUTPUT_LINES_KEPT);
    expect(lines[0]?.text).toBe('line 5');
  });

  it('parse the target: quotes keep blanks, a lone quote or nothing is an error', () => {
    expect(parseTarget(` app  a 'b c' "d"`, [])).toEqual({ target: { app: 'app', args: ['a', 'b c', 'd'] } });
    expect(parseTarget('app "a b', [])).toEqual({ error: 'unbalanced quote in "app "a b"' });
    expect(parseTarget('   ', ['app'])).toEqual({ error: 'no app given: type APP [ARGS...]' });
  });
});
