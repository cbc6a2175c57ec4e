import type { DetailLine } from '../src/ui/detail-lines.js';
import type { UiState } from '../src/ui/state.js';
import { DetailPane } from './DetailPane.js';
import { OverlayPane } from './OverlayPane.js';
import { RunPanel } from './RunPanel.js';

export interface LowerPaneProps {
  readonly state: UiState;
  /** The selected group's detail, and where it is scrolled to. */
  readonly lines: readonly DetailLine[];
  readonly scroll: number;
  readonly height: number;
  readonly width: number;
}

/** Under the list: the overlay chooser or list while open, else the run panel when shown, else the detail. */
export function LowerPane(props: LowerPaneProps) {
  const { state, height, width } = props;
  if (state.overlay === 'chooser' || state.overlay === 'overlayList') {
    return (
      <OverlayPane
        policy={state.policy}
        view={state.overlay === 'chooser' ? 'chooser' : 'list'}
        height={height}
        width={width}
      />
    );
  }
  if (state.runs.panel === 'run' && !state.zoomed) {
    return <RunPanel runs={state.runs} height={height} width={width} />;
  }
  return (
    <DetailPane
      lines={props.lines}
      scroll={props.scroll}
      height={height}
      width={width}
      focused={state.focus === 'detail'}
    />
  );
}
