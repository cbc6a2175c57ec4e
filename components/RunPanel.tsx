import { useEffect, useMemo, useState } from 'react';
import { runPanelLines } from '../src/ui/run-lines.js';
import { isRunning, type RunsState } from '../src/ui/run-state.js';
import { LinesPane } from './LinesPane.js';

export interface RunPanelProps {
  readonly runs: RunsState;
  /** Text lines below the title bar. */
  readonly height: number;
  readonly width: number;
}

/** The current run: mode, result, its denials, the previous run, and the live tail of its output. */
export function RunPanel(props: RunPanelProps) {
  const now = useClockWhile(isRunning(props.runs));
  const lines = useMemo(
    () => runPanelLines(props.runs, props.height, props.width, now),
    [props.runs, props.height, props.width, now],
  );
  return (
    <LinesPane
      title="run (r strict, d devmode, m switch, c compare, R app/args, p hide)"
      lines={lines}
      height={props.height}
      width={props.width}
    />
  );
}

/** The time, ticking every 200 ms while `running` (the elapsed time of a run); undefined otherwise. */
function useClockWhile(running: boolean): number | undefined {
  const [now, setNow] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [running]);
  return running ? now : undefined;
}
