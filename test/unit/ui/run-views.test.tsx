import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ComparePane } from '../../../components/ComparePane.js';
import { RunPanel } from '../../../components/RunPanel.js';
import { ThemeContext } from '../../../components/ThemeContext.js';
import type { RunOutcome } from '../../../src/launch/compare-report.js';
import type { Denial } from '../../../src/model/denial.js';
import { compareLines, comparedRuns, wordWrap } from '../../../src/ui/compare-lines.js';
import { dispatchKey, reduce, type ViewInfo } from '../../../src/ui/reducer.js';
import { runPanelLines } from '../../../src/ui/run-lines.js';
import { runMarks, rowIdentity } from '../../../src/ui/run-marks.js';
import { initialState, type UiState } from '../../../src/ui/state.js';
import { makeTheme } from '../../../src/ui/theme.js';
import { deviceDenial, syscallDenial } from './fixtures.js';

const VIEW: ViewInfo = {
  length: 0,
  keyAt: () => undefined,
  indexOf: () => -1,
  newestIndex: -1,
  pageSize: 5,
  detailHeight: 5,
  detailLength: 0,
};

const output = (text: string) => ({ text, bytes: text.length, digest: `sha-${text}` });

function outcome(exit: number, stdout: string, denials: readonly Denial[]): RunOutcome {
  return { exit, durationMs: 40 + exit, stdout: output(stdout), stderr: output(''), denials };
}

const allowed = (d: Denial): Denial => ({ ...d, decision: 'ALLOWED' });
const seccomp = syscallDenial('hello', 'app', 251, 100, 'ioprio_set');
const device = deviceDenial('hello', 'app', 101);

/** Runs strict then devmode through the reducer, with the outcomes given. */
function comparedState(): UiState {
  let s = initialState({ snap: 'hello', runs: { snap: 'hello', apps: ['app'] } });
  s = ['c', ' ', 'x', 'enter'].reduce((state, key) => dispatchKey(state, key, VIEW), s);
  s = reduce(s, { type: 'runOutput', id: 1, stream: 'stdout', text: 'x errno=EPERM\n' });
  s = reduce(s, {
    type: 'runFinished',
    id: 1,
    tag: 'snap.hello.app',
    outcome: outcome(1, 'x errno=EPERM\n', [seccomp, device]),
  });
  return reduce(s, {
    type: 'runFinished',
    id: 2,
    tag: 'snap.hello.app',
    outcome: outcome(0, 'x ok\n', [allowed(seccomp), allowed(device)]),
  });
}

afterEach(() => cleanup());

describe('the run panel', () => {
  it('shows the run, its denials, the previous run and the output tail that fits', () => {
    const s = comparedState();
    expect(runPanelLines(s.runs, 5, 80).map((l) => l.text)).toEqual([
      '#2 DEVMODE hello.app x: exit 0, 40 ms, 2 denials',
      '◆ denials: device c 1:11 (/dev/kmsg) ALLOWED, seccomp ioprio_set ALLOWED',
      'previous: #1 STRICT hello.app x: exit 1, 41 ms, 2 denials',
    ]);
    const { lastFrame } = render(
      <ThemeContext.Provider value={makeTheme(false)}>
        <RunPanel runs={s.runs} height={4} width={60} />
      </ThemeContext.Provider>,
    );
    expect(lastFrame()?.split('\n')).toEqual([
      '── run (r strict, d devmode, m switch, c compare, R app/arg…',
      '#2 DEVMODE hello.app x: exit 0, 40 ms, 2 denials',
      '◆ denials: device c 1:11 (/dev/kmsg) ALLOWED, seccomp iopri…',
      'previous: #1 STRICT hello.app x: exit 1, 41 ms, 2 denials',
      '',
    ]);
  });

  it('counts the elapsed time while a run goes on', () => {
    let s = initialState({ snap: 'hello', runs: { snap: 'hello', apps: ['app'] } });
    s = ['r', ' ', 'x', 'enter'].reduce((state, key) => dispatchKey(state, key, VIEW), s);
    expect(runPanelLines(s.runs, 1, 80, 2_500)[0]?.text).toBe('#1 STRICT hello.app x: running...');
    s = reduce(s, { type: 'runStarted', id: 1, at: 1_000 });
    expect(runPanelLines(s.runs, 1, 80, 2_500)[0]?.text).toBe('#1 STRICT hello.app x: running... 1.5 s');
  });

  it('says what to press before the first run, and why nothing runs without a snap', () => {
    expect(runPanelLines(initialState({ runs: { snap: 'a', apps: [] } }).runs, 3, 80)[0]?.text).toBe(
      'no run yet: r strict, d devmode, c compare, R app/args',
    );
    expect(runPanelLines(initialState().runs, 3, 80)[0]?.text).toBe('no run yet: no snap to run');
  });

  it('marks the rows of the current run by what the list shows of them', () => {
    const marks = runMarks([seccomp]);
    expect(marks.has(rowIdentity('seccomp', 'hello.app', 'syscall ioprio_set'))).toBe(true);
    expect(marks.has(rowIdentity('cgroup', 'hello.app', 'syscall ioprio_set'))).toBe(false);
  });
});

describe('the compare view', () => {
  it('puts strict and devmode side by side with what only strict enforces and the verdict', () => {
    const s = comparedState();
    expect(s.runs.panel).toBe('compare');
    const compared = comparedRuns(s.runs);
    expect(compared?.comparison.onlyStrict.map((d) => d.kind)).toEqual(['seccomp', 'cgroup']);
    const { lastFrame } = render(
      <ThemeContext.Provider value={makeTheme(false)}>
        <ComparePane runs={s.runs} height={10} width={70} />
      </ThemeContext.Provider>,
    );
    expect(lastFrame()?.split('\n')).toEqual([
      '── compare hello.app x (c closes) ────────────────────────────────────',
      'STRICT                            │ DEVMODE',
      'exit 1, 41 ms, 2 denials          │ exit 0, 40 ms, 2 denials',
      'x errno=EPERM                     │ x ok',
      'only strict enforces: seccomp ioprio_set, device c 1:11 (/dev/kmsg)',
      'stdout diff (- strict, + devmode):',
      '- x errno=EPERM',
      '+ x ok',
      'verdict: strict exits 1 where devmode exits 0, and stdout differs; the',
      'denials only strict enforces: seccomp ioprio_set, device c 1:11',
      '(/dev/kmsg); suggested: nothing known',
    ]);
  });

  it('keeps the verdict when room is short, and diffs stderr too', () => {
    const s = comparedState();
    const compared = comparedRuns(s.runs)!;
    const tight = compareLines(compared, 6, 70).map((l) => l.text);
    expect(tight).toEqual([
      'STRICT                            │ DEVMODE',
      'exit 1, 41 ms, 2 denials          │ exit 0, 40 ms, 2 denials',
      'only strict enforces: seccomp ioprio_set, device c 1:11 (/dev/kmsg)',
      'verdict: strict exits 1 where devmode exits 0, and stdout differs; the',
      'denials only strict enforces: seccomp ioprio_set, device c 1:11',
      '(/dev/kmsg); suggested: nothing known',
    ]);
    const strict = compared.comparison.strict;
    const withStderr = {
      ...compared,
      comparison: { ...compared.comparison, strict: { ...strict, stderr: output('refused\n') } },
    };
    expect(compareLines(withStderr, 20, 70).map((l) => l.text)).toContain(
      'stderr diff (- strict, + devmode):',
    );
  });

  it('has nothing to compare until both modes ran for the same target', () => {
    const s = comparedState();
    const retargeted = ['R', 'ctrl+u', ...'app y', 'enter'].reduce(
      (state, key) => dispatchKey(state, key, VIEW),
      s,
    );
    expect(comparedRuns(retargeted.runs)).toBeUndefined();
  });

  it('wraps words, cutting only a word longer than the width', () => {
    expect(wordWrap('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wordWrap('abcdefgh ij', 3)).toEqual(['abc', 'def', 'gh', 'ij']);
  });
});
