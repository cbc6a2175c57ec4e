import { useMemo } from 'react';
import { chooserLines, overlayListLines } from '../src/ui/overlay-lines.js';
import type { OverlayUiState } from '../src/ui/overlay-reducer.js';
import { LinesPane } from './LinesPane.js';

export interface OverlayPaneProps {
  readonly policy: OverlayUiState;
  /** The chooser for the selected denial, or the list of entries. */
  readonly view: 'chooser' | 'list';
  readonly height: number;
  readonly width: number;
}

/** The policy overlay: the chooser (a) or the entries (o). */
export function OverlayPane(props: OverlayPaneProps) {
  const { policy, view, height, width } = props;
  const lines = useMemo(
    () =>
      view === 'chooser' ? chooserLines(policy, height, width) : overlayListLines(policy, height, width),
    [policy, view, height, width],
  );
  const snap = policy.policy?.snap ?? '?';
  const count = policy.policy?.entries.length ?? 0;
  const title =
    view === 'chooser'
      ? `allow in the overlay of ${snap}`
      : `overlay of ${snap}: ${count} entr${count === 1 ? 'y' : 'ies'}`;
  return <LinesPane title={title} lines={lines} height={height} width={width} />;
}
