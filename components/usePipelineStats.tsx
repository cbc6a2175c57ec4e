import { useEffect, useRef, type Dispatch } from 'react';
import type { Action } from '../src/ui/reducer.js';
import type { PipelineStats } from '../src/ui/state.js';

/**
 * Copies the pipeline's counters into the state twice a second, and whenever the returned
 * function is called (after each batch), dispatching only when they changed.
 */
export function usePipelineStats(stats: () => PipelineStats, dispatch: Dispatch<Action>): () => void {
  const last = useRef('');
  const refresh = (): void => {
    const current = stats();
    const signature = `${current.lines}/${current.unparsed}/${current.gaps}`;
    if (signature !== last.current) dispatch({ type: 'stats', stats: current });
    last.current = signature;
  };
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    latest.current();
    const timer = setInterval(() => latest.current(), 500);
    return () => clearInterval(timer);
  }, []);
  return refresh;
}
