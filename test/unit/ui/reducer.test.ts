import { describe, expect, it } from 'vitest';
import {
  detailScrollOf,
  dispatchKey,
  reduce,
  resolveCursor,
  type ViewInfo,
} from '../../../src/ui/reducer.js';
import { initialState, type UiState } from '../../../src/ui/state.js';

/** A view of `length` rows keyed k0, k1, ...; the newest event in row `newest`. */
function view(length: number, newest = 0, detailLength = 30): ViewInfo {
  return {
    length,
    keyAt: (i) => (i >= 0 && i < length ? `k${i}` : undefined),
    indexOf: (key) => {
      const i = Number(key.slice(1));
      return i < length ? i : -1;
    },
    newestIndex: length === 0 ? -1 : newest,
    pageSize: 5,
    detailHeight: 10,
    detailLength,
  };
}

function press(state: UiState, keys: readonly string[], v: ViewInfo = view(20, 3)): UiState {
  return keys.reduce((s, name) => dispatchKey(s, name, v), state);
}

describe('navigation', () => {
  it('follows the newest group until the user moves, then stays on the chosen group', () => {
    const start = initialState();
    expect(resolveCursor(start, view(20, 3))).toBe(3);
    const moved = press(start, ['j']);
    expect(moved.following).toBe(false);
    expect(moved.selectedKey).toBe('k4');
    // The group moves down the list (re-sort): the cursor goes with it.
    expect(resolveCursor(moved, { ...view(20), indexOf: (key) => (key === 'k4' ? 9 : -1) })).toBe(9);
    // It left the view: the cursor stays where it was, clamped.
    expect(resolveCursor(moved, { ...view(3), indexOf: () => -1 })).toBe(2);
    expect(resolveCursor(press(moved, ['f']), view(20, 7))).toBe(7);
  });

  it('moves with j/k, arrows, g/G, page keys and clamps at both ends', () => {
    const v = view(20, 0);
    const cursorAfter = (keys: string[]) => resolveCursor(press(initialState(), keys, v), v);
    expect(cursorAfter(['j', 'down', 'j'])).toBe(3);
    expect(cursorAfter(['k'])).toBe(0);
    expect(cursorAfter(['G'])).toBe(19);
    expect(cursorAfter(['G', 'j'])).toBe(19);
    expect(cursorAfter(['pagedown'])).toBe(4);
    expect(cursorAfter(['end', 'pageup', 'g'])).toBe(0);
    expect(resolveCursor(press(initialState(), ['j'], view(0)), view(0))).toBe(-1);
  });

  it('scrolls the detail when it has the focus, and Enter zooms it; Esc and q go back', () => {
    let s = press(initialState(), ['tab', 'j', 'j', 'G']);
    expect(s).toMatchObject({ focus: 'detail', detailScroll: 20, following: true });
    s = press(s, ['k', 'pageup']);
    expect(s.detailScroll).toBe(10);
    s = press(s, ['escape']);
    expect(s).toMatchObject({ focus: 'list', zoomed: false });
    s = press(s, ['enter']);
    expect(s).toMatchObject({ focus: 'detail', zoomed: true });
    s = press(s, ['q']);
    expect(s).toMatchObject({ focus: 'list', zoomed: false });
    expect(s.effect).toBeUndefined();
  });

  it('keeps the detail scroll with the group it was scrolled on', () => {
    const scrolled = press(initialState(), ['tab', 'j', 'j']);
    expect(scrolled).toMatchObject({ detailScroll: 2, detailKey: 'k3' });
    expect(detailScrollOf(scrolled, 'k3')).toBe(2);
    // Another group is selected (a filter, a new newest group): its detail starts at the top.
    expect(detailScrollOf(scrolled, 'k5')).toBe(0);
    expect(press(scrolled, ['j'], view(20, 5)).detailScroll).toBe(1);
  });
});

describe('modes and toggles', () => {
  it('toggles follow, cycles the sort, toggles kinds and reviewed marks', () => {
    let s = press(initialState(), ['f']);
    expect(s).toMatchObject({ following: false, selectedKey: 'k3' });
    s = press(s, ['s']);
    expect(s.sort).toBe('last');
    expect(s.message?.text).toBe('sorted by last seen');
    s = press(s, ['s', 's']);
    expect(s.sort).toBe('count');
    s = press(s, ['2', '3', '3']);
    expect(s.kinds).toEqual({ apparmor: true, seccomp: false, cgroup: true });
    s = press(s, ['x']);
    expect([...s.reviewed]).toEqual(['k3']);
    s = press(s, ['h']);
    expect(s.hideReviewed).toBe(true);
    s = press(s, ['x']);
    expect(s.reviewed.size).toBe(0);
  });

  it('edits the filter live; Enter keeps it, Esc clears it, backspace on empty closes', () => {
    let s = press(initialState(), ['/', 'e', 't', 'c', 'q', 'backspace']);
    expect(s).toMatchObject({ overlay: 'filter', filter: 'etc' });
    s = press(s, ['enter']);
    expect(s).toMatchObject({ overlay: 'none', filter: 'etc' });
    s = press(s, ['j']);
    expect(s.filter).toBe('etc');
    s = press(s, ['escape']);
    expect(s.filter).toBe('');
    expect(s.message?.text).toBe('filter cleared');
    s = press(s, ['/', 'a', 'escape']);
    expect(s).toMatchObject({ overlay: 'none', filter: '' });
    s = press(s, ['/', 'backspace']);
    expect(s.overlay).toBe('none');
  });

  it('opens and closes the help overlay, ignoring other keys inside it', () => {
    let s = press(initialState(), ['?']);
    expect(s.overlay).toBe('help');
    s = press(s, ['j', 's']);
    expect(s).toMatchObject({ overlay: 'help', sort: 'count', following: true });
    for (const close of ['escape', 'q', '?']) expect(press(s, [close]).overlay).toBe('none');
    expect(press(s, ['q']).effect).toBeUndefined();
  });
});

describe(': commands and effects', () => {
  const typed = (text: string): UiState => press(initialState(), [':', ...text, 'enter']);

  it('sets and clears the snap filter', () => {
    expect(typed('snap foo-bar')).toMatchObject({ snap: 'foo-bar', overlay: 'none' });
    expect(typed('snap foo').message?.text).toBe('showing snap foo');
    expect(press(typed('snap foo'), [':', ...'snap', 'enter']).snap).toBeUndefined();
    expect(typed('snap Not_A_Snap!').message).toEqual({
      level: 'error',
      text: 'not a snap name: "Not_A_Snap!"',
    });
  });

  it('says honestly that the source cannot be switched live', () => {
    expect(typed('source kmsg').message).toEqual({
      level: 'error',
      text: 'cannot switch the source while running: restart with --source kmsg',
    });
  });

  it('asks for an export, to a path or the default one, and reports how it went', () => {
    const withPath = typed('export /tmp/r.md');
    expect(withPath.effect).toEqual({ id: 1, type: 'export', path: '/tmp/r.md' });
    const byKey = press(withPath, ['e']);
    expect(byKey.effect).toEqual({ id: 2, type: 'export' });
    const stale = reduce(byKey, { type: 'effectDone', id: 1, message: { level: 'info', text: 'old' } });
    expect(stale).toBe(byKey);
    const done = reduce(byKey, {
      type: 'effectDone',
      id: 2,
      message: { level: 'error', text: 'export failed: x' },
    });
    expect(done.effect).toBeUndefined();
    expect(done.message?.text).toBe('export failed: x');
  });

  it('asks to clear, quits on q and ctrl+c, and rejects unknown commands', () => {
    expect(typed('clear').effect?.type).toBe('clear');
    expect(press(initialState(), ['q']).effect?.type).toBe('quit');
    expect(press(initialState(), ['/', 'ctrl+c']).effect?.type).toBe('quit');
    expect(typed('frobnicate').message?.text).toMatch(/^unknown command ":frobnicate"; try :snap NAME/);
    expect(typed('export').message?.text).toBe(':export needs a PATH');
  });
});

describe('reduce', () => {
  it('re-renders on a new revision only, records stats and the end of the source', () => {
    const s = initialState();
    expect(reduce(s, { type: 'ingested', revision: 0 })).toBe(s);
    expect(reduce(s, { type: 'ingested', revision: 5 }).revision).toBe(5);
    expect(reduce(s, { type: 'stats', stats: { lines: 3, unparsed: 1, gaps: 0 } }).stats.lines).toBe(3);
    expect(reduce(s, { type: 'sourceEnded' })).toMatchObject({ source: 'ended' });
    expect(reduce(s, { type: 'sourceEnded', error: 'EACCES' }).message).toEqual({
      level: 'error',
      text: 'source failed: EACCES',
    });
  });
});
