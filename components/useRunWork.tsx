import { useEffect, useRef, type Dispatch } from 'react';
import type { GroupStore } from '../src/ui/group-store.js';
import type { Action } from '../src/ui/reducer.js';
import type { RunsState } from '../src/ui/run-state.js';
import type { SeenRecords } from '../src/ui/seen-records.js';
import type { SnapRunner } from '../src/ui/snap-runner.js';

/**
 * Starts each run the reducer requests, streams its output back, and adds its denials to the
 * store (so they show even when the followed log is elsewhere; not twice when it is the system's)
 * before reporting the end.
 */
export function useRunWork(
  runs: RunsState,
  dispatch: Dispatch<Action>,
  store: GroupStore,
  runner: SnapRunner | undefined,
  seen?: SeenRecords,
): void {
  const latest = useRef({ runs, runner, store, seen });
  latest.current = { runs, runner, store, seen };
  const id = runs.request?.id;
  useEffect(() => {
    const { runs: current, runner: work, store: groups, seen: records } = latest.current;
    const request = current.request;
    if (!request) return;
    if (!work) {
      dispatch({ type: 'runFailed', id: request.id, error: 'this UI cannot run apps' });
      return;
    }
    dispatch({ type: 'runStarted', id: request.id, at: Date.now() });
    work
      .run(request.mode, request.target, request.overlay, (stream, text) =>
        dispatch({ type: 'runOutput', id: request.id, stream, text }),
      )
      .then(
        (finished) => {
          const now = Date.now();
          for (const denial of finished.outcome.denials) {
            if (records?.firstSight(denial) ?? true) groups.add(denial, now);
          }
          dispatch({ type: 'ingested', revision: groups.revision });
          dispatch({ type: 'runFinished', id: request.id, tag: finished.tag, outcome: finished.outcome });
        },
        (error: unknown) =>
          dispatch({
            type: 'runFailed',
            id: request.id,
            error: error instanceof Error ? error.message : String(error),
          }),
      );
  }, [id, dispatch]);
}
