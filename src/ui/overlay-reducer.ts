/** The policy overlay keys: allow a denial (chooser), list and remove entries, @unrestricted, export. Pure. */
import type { Denial } from '../model/denial.js';
import { overlayChoices } from '../overlay/from-denial.js';
import {
  addEntry,
  describeEntry,
  removeEntry,
  setUnrestricted,
  type OverlayEntry,
  type PolicyOverlay,
} from '../overlay/overlay.js';
import { NO_SNAP_MESSAGE } from './run-reducer.js';
import type { StatusMessage, UiState } from './state.js';

export type OverlayCommand = 'allow' | 'overlayList' | 'unrestricted' | 'overlayExport';

/** The followed snap's overlay as the UI holds it; saved to its file on every change. */
export interface OverlayUiState {
  /** undefined when there is no snap to run. */
  readonly policy?: PolicyOverlay;
  /** Why the overlay file could not be read; the overlay keys say it. */
  readonly problem?: string;
  /** Where it is saved (shown in the list's title and on each save). */
  readonly path?: string;
  /** The chooser's entries for the selected denial. */
  readonly choices: readonly OverlayEntry[];
  /** Row of the chooser or the list. */
  readonly cursor: number;
  /** Bumped on every change: the App saves when it sees a new value. */
  readonly saveSeq: number;
  /** Bumped on E: the App writes the export. */
  readonly exportSeq: number;
}

export type OverlayAction =
  | { readonly type: 'overlaySaved'; readonly text: string }
  | { readonly type: 'overlayFailed'; readonly error: string };

export function initialOverlayState(policy?: PolicyOverlay, path?: string, problem?: string): OverlayUiState {
  return {
    ...(problem !== undefined ? { problem } : {}),
    ...(policy ? { policy } : {}),
    ...(path !== undefined ? { path } : {}),
    choices: [],
    cursor: 0,
    saveSeq: 0,
    exportSeq: 0,
  };
}

const error = (text: string): StatusMessage => ({ text, level: 'error' });

function changed(state: UiState, policy: PolicyOverlay, message?: StatusMessage): UiState {
  const next = { ...state.policy, policy, saveSeq: state.policy.saveSeq + 1 };
  return { ...state, policy: next, ...(message ? { message } : {}) };
}

/** Opens the chooser for `denial` (the selected group's latest). */
function allow(state: UiState, denial: Denial | undefined): UiState {
  const policy = state.policy.policy;
  if (!policy) return { ...state, message: error(state.policy.problem ?? NO_SNAP_MESSAGE) };
  if (!denial) return { ...state, message: error('no denial selected') };
  const owner = denial.instance ?? denial.snap;
  if (owner !== policy.snap) {
    return {
      ...state,
      message: error(
        `the selected denial is ${owner ? `snap ${owner}'s` : "not a snap's"}; the overlay is ${policy.snap}'s`,
      ),
    };
  }
  const choices = overlayChoices(denial);
  if (choices.length === 0)
    return { ...state, message: error('no rule or interface is known to allow this denial') };
  return { ...state, overlay: 'chooser', policy: { ...state.policy, choices, cursor: 0 } };
}

export function overlayCommand(
  state: UiState,
  command: OverlayCommand,
  selected: Denial | undefined,
): UiState {
  const policy = state.policy.policy;
  if (command === 'allow') return allow(state, selected);
  if (!policy) return { ...state, message: error(state.policy.problem ?? NO_SNAP_MESSAGE) };
  switch (command) {
    case 'overlayList':
      return { ...state, overlay: 'overlayList', policy: { ...state.policy, cursor: 0 } };
    case 'unrestricted':
      return changed(state, setUnrestricted(policy, !policy.unrestricted));
    case 'overlayExport':
      return { ...state, policy: { ...state.policy, exportSeq: state.policy.exportSeq + 1 } };
  }
}

function moveCursor(state: UiState, length: number, delta: number): UiState {
  const cursor = Math.min(Math.max(0, state.policy.cursor + delta), Math.max(0, length - 1));
  return { ...state, policy: { ...state.policy, cursor } };
}

/** Keys while the chooser or the overlay list is open. */
export function editOverlayPane(state: UiState, name: string): UiState {
  const policy = state.policy.policy;
  const close: UiState = { ...state, overlay: 'none' };
  if (!policy || name === 'escape' || name === 'q') return close;
  const chooser = state.overlay === 'chooser';
  const length = chooser ? state.policy.choices.length : policy.entries.length;
  if (name === 'j' || name === 'down') return moveCursor(state, length, 1);
  if (name === 'k' || name === 'up') return moveCursor(state, length, -1);
  if (chooser && name === 'enter') {
    const entry = state.policy.choices[state.policy.cursor];
    if (!entry) return close;
    const added = addEntry(policy, entry);
    if (added === policy)
      return { ...close, message: error(`already in the overlay: ${describeEntry(entry)}`) };
    return changed(close, added);
  }
  if (!chooser && ['x', 'd', 'backspace'].includes(name) && length > 0) {
    const shown = changed(state, removeEntry(policy, state.policy.cursor));
    return moveCursor(shown, length - 1, 0);
  }
  return state;
}

export function reduceOverlay(state: UiState, action: OverlayAction): UiState {
  return action.type === 'overlaySaved'
    ? { ...state, message: { level: 'info', text: action.text } }
    : { ...state, message: error(action.error) };
}
