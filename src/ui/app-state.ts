/** The UI's first state from what the App is given: the snap filter and the run keys' runner. Pure. */
import type { SnapRunner } from './snap-runner.js';
import { initialState, type UiState } from './state.js';

export function appInitialState(snapFilter: string | undefined, runner: SnapRunner | undefined): UiState {
  return initialState({
    ...(snapFilter ? { snap: snapFilter } : {}),
    runs: { ...(runner?.snap !== undefined ? { snap: runner.snap } : {}), apps: runner?.apps ?? [] },
    ...(runner?.overlay ? { overlay: runner.overlay } : {}),
    ...(runner?.overlayProblem !== undefined ? { overlayProblem: runner.overlayProblem } : {}),
  });
}

/** The compare view takes the list's and the detail's place, unless the overlay panes are open. */
export function comparing(state: UiState): boolean {
  return (
    state.runs.panel === 'compare' &&
    !state.zoomed &&
    state.overlay !== 'chooser' &&
    state.overlay !== 'overlayList'
  );
}
