import { useEffect, useRef, type Dispatch } from 'react';
import type { OverlayUiState } from '../src/ui/overlay-reducer.js';
import type { Action } from '../src/ui/reducer.js';
import type { SnapRunner } from '../src/ui/snap-runner.js';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Saves the overlay after each change and writes its export on E, naming the file each time. */
export function useOverlayWork(
  state: OverlayUiState,
  dispatch: Dispatch<Action>,
  runner: SnapRunner | undefined,
): void {
  const latest = useRef(state);
  latest.current = state;
  useEffect(() => {
    const policy = latest.current.policy;
    if (latest.current.saveSeq === 0 || !policy || !runner) return;
    try {
      const path = runner.saveOverlay(policy);
      const n = policy.entries.length;
      const unrestricted = policy.unrestricted ? ', seccomp @unrestricted' : '';
      dispatch({
        type: 'overlaySaved',
        text: `overlay saved to ${path}: ${n} entr${n === 1 ? 'y' : 'ies'}${unrestricted}`,
      });
    } catch (error) {
      dispatch({ type: 'overlayFailed', error: message(error) });
    }
  }, [state.saveSeq, dispatch, runner]);
  useEffect(() => {
    const policy = latest.current.policy;
    if (latest.current.exportSeq === 0 || !policy || !runner) return;
    runner.exportOverlay(policy).then(
      (path) => dispatch({ type: 'overlaySaved', text: `overlay exported to ${path}` }),
      (error: unknown) => dispatch({ type: 'overlayFailed', error: `export failed: ${message(error)}` }),
    );
  }, [state.exportSeq, dispatch, runner]);
}
