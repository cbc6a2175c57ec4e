import { useMemo } from 'react';
import { compareLines, comparedRuns } from '../src/ui/compare-lines.js';
import type { RunsState } from '../src/ui/run-state.js';
import { targetText } from '../src/ui/run-state.js';
import { LinesPane } from './LinesPane.js';

export interface ComparePaneProps {
  readonly runs: RunsState;
  readonly height: number;
  readonly width: number;
}

/** strict and devmode side by side: results, output, what only strict enforces, the verdict. */
export function ComparePane(props: ComparePaneProps) {
  const compared = useMemo(() => comparedRuns(props.runs), [props.runs]);
  const lines = useMemo(
    () =>
      compared
        ? compareLines(compared, props.height, props.width)
        : [{ text: 'no strict and devmode runs of this target yet (c runs them)', role: 'muted' as const }],
    [compared, props.height, props.width],
  );
  const target = props.runs.target ? ` ${props.runs.snap}.${targetText(props.runs.target)}` : '';
  return (
    <LinesPane
      title={`compare${target} (c closes)`}
      lines={lines}
      height={props.height}
      width={props.width}
    />
  );
}
