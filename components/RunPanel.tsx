import { useMemo } from 'react';
import { runPanelLines } from '../src/ui/run-lines.js';
import type { RunsState } from '../src/ui/run-state.js';
import { LinesPane } from './LinesPane.js';

export interface RunPanelProps {
  readonly runs: RunsState;
  /** Text lines below the title bar. */
  readonly height: number;
  readonly width: number;
}

/** The current run: mode, result, its denials, the previous run, and the live tail of its output. */
export function RunPanel(props: RunPanelProps) {
  const lines = useMemo(
    () => runPanelLines(props.runs, props.height, props.width),
    [props.runs, props.height, props.width],
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
