import type { Denial, DenialKind } from '../model/denial.js';
import { editOverlayPane, overlayCommand, reduceOverlay, type OverlayAction } from './overlay-reducer.js';
import { parseCommandLine } from './command-line.js';
import { commandForKey, type CommandId } from './keymap.js';
import { editTarget, reduceRun, runCommand as runRunCommand, type RunAction } from './run-reducer.js';
import { nextSort, SORT_LABELS } from './sort.js';
import type { Effect, PipelineStats, StatusMessage, UiState } from './state.js';

/** What the reducer needs to know about the rows on screen. */
export interface ViewInfo {
  readonly length: number;
  keyAt(index: number): string | undefined;
  indexOf(key: string): number;
  /** Index of the row with the newest event, -1 when empty. */
  readonly newestIndex: number;
  /** Rows the list shows at once. */
  readonly pageSize: number;
  /** Lines the detail pane shows at once, and how many it has. */
  readonly detailHeight: number;
  readonly detailLength: number;
  /** The latest denial of the group at a row (what `a` allows). */
  latestAt?(index: number): Denial | undefined;
}

export type Action =
  | { readonly type: 'ingested'; readonly revision: number }
  | { readonly type: 'stats'; readonly stats: PipelineStats }
  | { readonly type: 'sourceEnded'; readonly error?: string }
  | { readonly type: 'key'; readonly name: string; readonly view: ViewInfo }
  | { readonly type: 'effectDone'; readonly id: number; readonly message?: StatusMessage }
  | RunAction
  | OverlayAction;

const KIND_OF: Partial<Record<CommandId, DenialKind>> = {
  kindApparmor: 'apparmor',
  kindSeccomp: 'seccomp',
  kindCgroup: 'cgroup',
};

/** The row the cursor is on: the newest when following, else the selected group's row. */
export function resolveCursor(
  state: UiState,
  view: Pick<ViewInfo, 'length' | 'indexOf' | 'newestIndex'>,
): number {
  if (view.length === 0) return -1;
  if (state.following) return Math.max(0, view.newestIndex);
  if (state.selectedKey !== undefined) {
    const index = view.indexOf(state.selectedKey);
    if (index >= 0) return index;
  }
  return Math.min(Math.max(0, state.cursorHint), view.length - 1);
}

type EffectRequest = { type: 'export'; path?: string } | { type: 'clear' } | { type: 'quit' };

/** Asks the App for some work; ids come from the state so the reducer stays pure. */
function request(state: UiState, work: EffectRequest): UiState {
  const id = state.effectSeq + 1;
  return { ...state, effectSeq: id, effect: { id, ...work } as Effect };
}

function info(text: string): StatusMessage {
  return { text, level: 'info' };
}

function selectRow(state: UiState, view: ViewInfo, row: number): UiState {
  if (view.length === 0) return { ...state, following: false };
  const index = Math.min(Math.max(0, row), view.length - 1);
  const key = view.keyAt(index);
  return {
    ...state,
    following: false,
    cursorHint: index,
    detailScroll: 0,
    ...(key !== undefined ? { selectedKey: key } : {}),
  };
}

/** The detail's scroll position, which belongs to the group it was scrolled on. */
export function detailScrollOf(state: UiState, selectedKey: string | undefined): number {
  return selectedKey !== undefined && state.detailKey === selectedKey ? state.detailScroll : 0;
}

function scrollDetail(state: UiState, view: ViewInfo, to: number): UiState {
  const max = Math.max(0, view.detailLength - view.detailHeight);
  const key = view.keyAt(resolveCursor(state, view));
  return {
    ...state,
    detailScroll: Math.min(Math.max(0, to), max),
    ...(key !== undefined ? { detailKey: key } : {}),
  };
}

function move(state: UiState, view: ViewInfo, command: CommandId): UiState {
  const inDetail = state.focus === 'detail' || state.zoomed;
  const page = inDetail ? Math.max(1, view.detailHeight - 1) : Math.max(1, view.pageSize - 1);
  const current = inDetail
    ? detailScrollOf(state, view.keyAt(resolveCursor(state, view)))
    : resolveCursor(state, view);
  const deltas: Partial<Record<CommandId, number>> = { down: 1, up: -1, pageDown: page, pageUp: -page };
  const target =
    command === 'top' ? 0 : command === 'bottom' ? Number.MAX_SAFE_INTEGER : current + (deltas[command] ?? 0);
  return inDetail ? scrollDetail(state, view, target) : selectRow(state, view, target);
}

function back(state: UiState): UiState {
  if (state.overlay !== 'none') return { ...state, overlay: 'none', input: '' };
  if (state.zoomed || state.focus === 'detail') return { ...state, zoomed: false, focus: 'list' };
  if (state.filter !== '') return { ...state, filter: '', message: info('filter cleared') };
  return state;
}

function runCommand(state: UiState, view: ViewInfo, command: CommandId): UiState {
  switch (command) {
    case 'down':
    case 'up':
    case 'top':
    case 'bottom':
    case 'pageDown':
    case 'pageUp':
      return move(state, view, command);
    case 'detail':
      return { ...state, zoomed: true, focus: 'detail' };
    case 'pane':
      return { ...state, focus: state.focus === 'list' ? 'detail' : 'list', zoomed: false };
    case 'filter':
      return { ...state, overlay: 'filter' };
    case 'command':
      return { ...state, overlay: 'command', input: '' };
    case 'help':
      return { ...state, overlay: 'help' };
    case 'follow':
      return state.following
        ? selectRow(state, view, resolveCursor(state, view))
        : { ...state, following: true, detailScroll: 0 };
    case 'sort': {
      const sort = nextSort(state.sort);
      return { ...state, sort, message: info(`sorted by ${SORT_LABELS[sort]}`) };
    }
    case 'kindApparmor':
    case 'kindSeccomp':
    case 'kindCgroup': {
      const kind = KIND_OF[command]!;
      return { ...state, kinds: { ...state.kinds, [kind]: !state.kinds[kind] } };
    }
    case 'reviewed': {
      const key = view.keyAt(resolveCursor(state, view));
      if (key === undefined) return state;
      const reviewed = new Set(state.reviewed);
      if (!reviewed.delete(key)) reviewed.add(key);
      return { ...state, reviewed };
    }
    case 'hideReviewed':
      return {
        ...state,
        hideReviewed: !state.hideReviewed,
        message: info(state.hideReviewed ? 'showing reviewed groups' : 'hiding reviewed groups'),
      };
    case 'export':
      return { ...request(state, { type: 'export' }), message: info('exporting...') };
    case 'runStrict':
    case 'runDevmode':
    case 'runSwitch':
    case 'runCompare':
    case 'runTarget':
    case 'runPanel':
      return runRunCommand(state, command);
    case 'allow':
    case 'overlayList':
    case 'unrestricted':
    case 'overlayExport':
      return overlayCommand(state, command, view.latestAt?.(resolveCursor(state, view)));
    case 'back':
      return back(state);
    case 'quit':
      return state.zoomed || state.focus === 'detail' ? back(state) : request(state, { type: 'quit' });
  }
}

function submitCommandLine(state: UiState): UiState {
  const closed: UiState = { ...state, overlay: 'none', input: '' };
  const parsed = parseCommandLine(state.input);
  switch (parsed.type) {
    case 'snap':
      if (parsed.name === undefined) {
        const { snap: _dropped, ...rest } = closed;
        return { ...rest, message: info('showing all snaps') };
      }
      return { ...closed, snap: parsed.name, message: info(`showing snap ${parsed.name}`) };
    case 'source':
      return {
        ...closed,
        message: {
          level: 'error',
          text: `cannot switch the source while running: restart with --source ${parsed.name}`,
        },
      };
    case 'export':
      return { ...request(closed, { type: 'export', path: parsed.path }), message: info('exporting...') };
    case 'clear':
      return { ...request(closed, { type: 'clear' }), following: true, cursorHint: 0, reviewed: new Set() };
    case 'error':
      return { ...closed, message: { level: 'error', text: parsed.message } };
  }
}

/** Keys typed while the filter or command prompt is open. */
function editPrompt(state: UiState, name: string): UiState {
  const isFilter = state.overlay === 'filter';
  const text = isFilter ? state.filter : state.input;
  const update = (next: string): UiState =>
    isFilter ? { ...state, filter: next } : { ...state, input: next };
  if (name === 'enter') return isFilter ? { ...state, overlay: 'none' } : submitCommandLine(state);
  if (name === 'escape') return isFilter ? { ...state, overlay: 'none', filter: '' } : back(state);
  if (name === 'backspace') return text === '' ? back(state) : update(text.slice(0, -1));
  if (name.length === 0 || name === 'tab' || /^(ctrl\+|up$|down$|left$|right$|page|home$|end$)/.test(name))
    return state;
  return update(text + name);
}

/** The one key dispatcher: a key name, in the current mode, becomes a new state. */
export function dispatchKey(state: UiState, name: string, view: ViewInfo): UiState {
  if (name === 'ctrl+c') return request(state, { type: 'quit' });
  const { message: _cleared, ...quiet } = state;
  if (state.overlay === 'filter' || state.overlay === 'command') return editPrompt(quiet, name);
  if (state.overlay === 'target') return editTarget(quiet, name);
  if (state.overlay === 'chooser' || state.overlay === 'overlayList') return editOverlayPane(quiet, name);
  if (state.overlay === 'help') {
    return ['escape', 'q', '?', 'enter'].includes(name) ? { ...quiet, overlay: 'none' } : state;
  }
  const command = commandForKey(name);
  return command ? runCommand(quiet, view, command) : state;
}

export function reduce(state: UiState, action: Action): UiState {
  switch (action.type) {
    case 'ingested':
      return action.revision === state.revision ? state : { ...state, revision: action.revision };
    case 'stats':
      return { ...state, stats: action.stats };
    case 'sourceEnded':
      return action.error === undefined
        ? { ...state, source: 'ended', message: info('end of input: the UI stays open, q quits') }
        : { ...state, source: 'failed', message: { level: 'error', text: `source failed: ${action.error}` } };
    case 'key':
      return dispatchKey(state, action.name, action.view);
    case 'effectDone': {
      if (state.effect?.id !== action.id) return state;
      const { effect: _done, ...rest } = state;
      return action.message ? { ...rest, message: action.message } : rest;
    }
    case 'runStarted':
    case 'runOutput':
    case 'runFinished':
    case 'runFailed':
      return reduceRun(state, action);
    case 'overlaySaved':
    case 'overlayFailed':
      return reduceOverlay(state, action);
  }
}
