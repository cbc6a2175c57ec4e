import type { DenialKind } from '../model/denial.js';
import type { PolicyOverlay } from '../overlay/overlay.js';
import { initialOverlayState, type OverlayUiState } from './overlay-reducer.js';
import { initialRuns, type RunContextInfo, type RunsState } from './run-state.js';
import type { SortKey } from './sort.js';

export type Overlay = 'none' | 'help' | 'filter' | 'command' | 'target' | 'chooser' | 'overlayList';
export type Pane = 'list' | 'detail';

/** Work the reducer asks the App to do; `id` tells a new request from one already done. */
export type Effect =
  | { readonly id: number; readonly type: 'export'; readonly path?: string }
  | { readonly id: number; readonly type: 'clear' }
  | { readonly id: number; readonly type: 'quit' };

export interface StatusMessage {
  readonly text: string;
  readonly level: 'info' | 'error';
}

export interface PipelineStats {
  readonly lines: number;
  readonly unparsed: number;
  readonly gaps: number;
}

/** All UI state but the grouped denials themselves (those live in the GroupStore). */
export interface UiState {
  /** The store revision the state has seen; a change re-renders. */
  readonly revision: number;
  readonly following: boolean;
  /** The selected group, authoritative when not following. */
  readonly selectedKey?: string;
  /** Where the cursor was, used when the selected group leaves the view. */
  readonly cursorHint: number;
  readonly sort: SortKey;
  readonly kinds: Readonly<Record<DenialKind, boolean>>;
  readonly snap?: string;
  readonly filter: string;
  readonly reviewed: ReadonlySet<string>;
  readonly hideReviewed: boolean;
  readonly focus: Pane;
  /** The detail pane fills the screen. */
  readonly zoomed: boolean;
  readonly detailScroll: number;
  /** The group `detailScroll` belongs to; another group's detail starts at the top. */
  readonly detailKey?: string;
  readonly overlay: Overlay;
  /** What is being typed after `:` (the filter is edited in place). */
  readonly input: string;
  readonly message?: StatusMessage;
  readonly effect?: Effect;
  /** The id of the newest effect requested. */
  readonly effectSeq: number;
  readonly stats: PipelineStats;
  /** live until the denial stream ends (a file read without --follow) or fails. */
  readonly source: 'live' | 'ended' | 'failed';
  /** Runs of the followed snap's app (strict, devmode, compare). */
  readonly runs: RunsState;
  /** The followed snap's policy overlay (a, o, U, E). */
  readonly policy: OverlayUiState;
}

export function initialState(
  options: {
    readonly snap?: string;
    readonly runs?: RunContextInfo;
    readonly overlay?: { readonly policy: PolicyOverlay; readonly path: string };
    readonly overlayProblem?: string;
  } = {},
): UiState {
  return {
    revision: 0,
    following: true,
    cursorHint: 0,
    sort: 'count',
    kinds: { apparmor: true, seccomp: true, cgroup: true },
    ...(options.snap ? { snap: options.snap } : {}),
    filter: '',
    reviewed: new Set(),
    hideReviewed: false,
    focus: 'list',
    zoomed: false,
    detailScroll: 0,
    overlay: 'none',
    input: '',
    effectSeq: 0,
    stats: { lines: 0, unparsed: 0, gaps: 0 },
    source: 'live',
    runs: initialRuns(options.runs),
    policy: initialOverlayState(options.overlay?.policy, options.overlay?.path, options.overlayProblem),
  };
}
