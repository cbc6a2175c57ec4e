import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { emptyOverlay } from '../../../src/overlay/overlay.js';
import { chooserLines, overlayListLines } from '../../../src/ui/overlay-lines.js';
import { dispatchKey, type ViewInfo } from '../../../src/ui/reducer.js';
import { NO_SNAP_MESSAGE } from '../../../src/ui/run-reducer.js';
import { initialState, type UiState } from '../../../src/ui/state.js';
import { deviceDenial, syscallDenial } from './fixtures.js';

function viewOf(denials: readonly Denial[]): ViewInfo {
  return {
    length: denials.length,
    keyAt: (i) => (i < denials.length ? `k${i}` : undefined),
    indexOf: (key) => Number(key.slice(1)),
    newestIndex: 0,
    pageSize: 5,
    detailHeight: 5,
    detailLength: 0,
    latestAt: (i) => denials[i],
  };
}

const PATH = '/var/lib/snappy-debug/overlays/foo.json';
const seccomp: Denial = {
  ...syscallDenial('foo', 'app', 251, 100, 'ioprio_set'),
  suggestions: [{ kind: 'interface', id: 'process-control', text: 'add process-control' }],
};

function withOverlay(): UiState {
  return initialState({
    snap: 'foo',
    runs: { snap: 'foo', apps: ['app'] },
    overlay: { policy: emptyOverlay('foo'), path: PATH },
  });
}

function press(state: UiState, keys: readonly string[], view: ViewInfo): UiState {
  return keys.reduce((s, key) => dispatchKey(s, key, view), state);
}

describe('overlay keys', () => {
  it('a opens a chooser with the exact rule first, then the suggested interfaces; Enter adds and saves', () => {
    const view = viewOf([seccomp]);
    let s = press(withOverlay(), ['a'], view);
    expect(s.overlay).toBe('chooser');
    expect(chooserLines(s.policy, 10, 100).map((l) => l.text)).toEqual([
      'allow it in the overlay with (j/k choose, Enter add, Esc cancel):',
      '› 1. seccomp: ioprio_set   (seccomp ioprio_set by snap foo)',
      '  2. connect: process-control   (seccomp ioprio_set by snap foo)',
    ]);
    s = press(s, ['j', 'enter'], view);
    expect(s.overlay).toBe('none');
    expect(s.policy.policy?.entries).toEqual([
      { kind: 'interface', interface: 'process-control', reason: 'seccomp ioprio_set by snap foo' },
    ]);
    expect(s.policy.saveSeq).toBe(1);
    // The same allowance twice is refused and not saved again.
    s = press(s, ['a', 'j', 'enter'], view);
    expect(s.message).toEqual({ level: 'error', text: 'already in the overlay: connect: process-control' });
    expect(s.policy.saveSeq).toBe(1);
  });

  it('o lists entries with the file; x removes the one under the cursor; Esc closes', () => {
    const view = viewOf([seccomp, deviceDenial('foo', 'app', 200)]);
    let s = press(withOverlay(), ['a', 'enter', 'j', 'a', 'enter'], view);
    expect(s.policy.policy?.entries.map((e) => e.kind)).toEqual(['seccomp', 'device']);
    s = press(s, ['o', 'j'], view);
    expect(overlayListLines(s.policy, 10, 100).map((l) => l.text)).toEqual([
      `file: ${PATH}   (j/k move, x remove, Esc close)`,
      '  1. seccomp: ioprio_set   (seccomp ioprio_set by snap foo)',
      expect.stringMatching(/^› 2\. device: c \d+:\d+/),
    ]);
    s = press(s, ['x'], view);
    expect(s.policy.policy?.entries.map((e) => e.kind)).toEqual(['seccomp']);
    expect(s.policy.cursor).toBe(0);
    expect(s.policy.saveSeq).toBe(3);
    expect(press(s, ['escape'], view).overlay).toBe('none');
  });

  it('U toggles @unrestricted and saves; E asks for an export', () => {
    const view = viewOf([]);
    let s = press(withOverlay(), ['U'], view);
    expect(s.policy.policy?.unrestricted).toBe(true);
    expect(s.policy.saveSeq).toBe(1);
    expect(overlayListLines(s.policy, 10, 100)[1]?.text).toBe(
      'seccomp @unrestricted: no seccomp filter is enforced (U turns it off)',
    );
    s = press(s, ['U', 'E'], view);
    expect(s.policy.policy?.unrestricted).toBe(false);
    expect(s.policy.exportSeq).toBe(1);
  });

  it("refuses another snap's denial, a denial nothing allows, and works only with a snap", () => {
    const other = viewOf([syscallDenial('bar', 'app', 251, 100, 'ioprio_set')]);
    expect(press(withOverlay(), ['a'], other).message?.text).toBe(
      "the selected denial is snap bar's; the overlay is foo's",
    );
    const unknown = viewOf([syscallDenial('foo', 'app', 999, 100)]);
    expect(press(withOverlay(), ['a'], unknown).message?.text).toBe(
      'no rule or interface is known to allow this denial',
    );
    for (const key of ['a', 'o', 'U', 'E'])
      expect(press(initialState(), [key], other).message).toEqual({ level: 'error', text: NO_SNAP_MESSAGE });
    const broken = initialState({ overlayProblem: 'cannot read overlay /x/foo.json: EACCES' });
    expect(press(broken, ['o'], other).message?.text).toBe('cannot read overlay /x/foo.json: EACCES');
  });

  it('runs take the overlay as it is when asked for', () => {
    const view = viewOf([seccomp]);
    let s = press(withOverlay(), ['U', 'r'], view);
    s = press(s, ['enter'], view);
    expect(s.runs.request?.overlay?.unrestricted).toBe(true);
  });
});
