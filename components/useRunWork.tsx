import { useEffect, useRef, type Dispatch } from 'react';
import type { GroupStore } from '../src/ui/group-store.js';
import type { Action } from '../src/ui/reducer.js';
import type { OutputStream, RunsState } from '../src/ui/run-state.js';
import type { SeenRecords } from '../src/ui/seen-records.js';
import type { SnapRunner } from '../src/ui/snap-runner.js';

/**
 * A run's output reaches the state at most this often, so a chatty app costs some thirty renders a
 * second, not one per chunk read (Ink's own frame limit is no guard: see MAX_FPS in run-tui).
 */
export const RUN_OUTPUT_MS = 33;

export interface OutputChunk {
  readonly stream: OutputStream;
  readonly text: string;
}

/**
 * Collects output chunks and hands them on `everyMs` after the first one, in order, consecutive
 * stdout or stderr chunks joined (the same lines and partial line as one by one); notes stay one each.
 */
export function outputBatcher(
  deliver: (chunk: OutputChunk) => void,
  everyMs: number,
): { add(stream: OutputStream, text: string): void; flush(): void } {
  let queue: { stream: OutputStream; text: string }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const chunks = queue;
    queue = [];
    for (const chunk of chunks) deliver(chunk);
  };
  return {
    add(stream, text) {
      const last = queue.at(-1);
      if (last !== undefined && last.stream === stream && stream !== 'note') last.text += text;
      else queue.push({ stream, text });
      timer ??= setTimeout(flush, everyMs);
    },
    flush,
  };
}

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
    const output = outputBatcher(
      ({ stream, text }) => dispatch({ type: 'runOutput', id: request.id, stream, text }),
      RUN_OUTPUT_MS,
    );
    work
      .run(request.mode, request.target, request.overlay, (stream, text) => output.add(stream, text))
      .then(
        (finished) => {
          output.flush();
          const now = Date.now();
          for (const denial of finished.outcome.denials) {
            if (records?.firstSight(denial) ?? true) groups.add(denial, now);
          }
          dispatch({ type: 'ingested', revision: groups.revision });
          dispatch({ type: 'runFinished', id: request.id, tag: finished.tag, outcome: finished.outcome });
        },
        (error: unknown) => {
          output.flush();
          dispatch({
            type: 'runFailed',
            id: request.id,
            error: error instanceof Error ? error.message : String(error),
          });
        },
      );
  }, [id, dispatch]);
}
