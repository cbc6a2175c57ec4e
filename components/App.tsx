import { Box, useApp, useInput } from 'ink';
import { useMemo, useReducer, useRef } from 'react';
import { appInitialState, comparing } from '../src/ui/app-state.js';
import { detailLines } from '../src/ui/detail-lines.js';
import type { GroupStore } from '../src/ui/group-store.js';
import { keyNames } from '../src/ui/keymap.js';
import { layout } from '../src/ui/layout.js';
import { detailScrollOf, reduce, resolveCursor, type ViewInfo } from '../src/ui/reducer.js';
import { runMarks } from '../src/ui/run-marks.js';
import { SeenRecords } from '../src/ui/seen-records.js';
import { currentRun, modeIndicator } from '../src/ui/run-state.js';
import type { SnapRunner } from '../src/ui/snap-runner.js';
import type { PipelineStats, UiState } from '../src/ui/state.js';
import { makeTheme } from '../src/ui/theme.js';
import { GroupView, type ViewQuery } from '../src/ui/view.js';
import { BottomLine } from './BottomLine.js';
import { ComparePane } from './ComparePane.js';
import { GroupList } from './GroupList.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { LowerPane } from './LowerPane.js';
import { RunMarksContext } from './RunMarksContext.js';
import { RunPrompt } from './RunPrompt.js';
import { StatusBar } from './StatusBar.js';
import { ThemeContext } from './ThemeContext.js';
import { FLUSH_MS, useDenialFeed, type DenialInput } from './useDenialFeed.js';
import { usePipelineStats } from './usePipelineStats.js';
import { useRequestedWork } from './useRequestedWork.js';
import { useOverlayWork } from './useOverlayWork.js';
import { useRunWork } from './useRunWork.js';
import { useTerminalSize, type TerminalSize } from './useTerminalSize.js';

export interface AppProps {
  /** Where groups accumulate; passed in so a caller (or a benchmark) can pre-load it. */
  readonly store: GroupStore;
  /** Live denials (or a source's line batches and the step to a denial); added to the store as they arrive. */
  readonly denials?: DenialInput;
  /** What is followed, for the header and the report. */
  readonly sourceDescription: string;
  /** Initial snap filter (positional SNAP / --only-snap). */
  readonly snapFilter?: string;
  /** The pipeline's counters (lines, unparsed, gaps), polled. */
  readonly stats: () => PipelineStats;
  /** False under NO_COLOR: the theme keeps only bold, dim and inverse. */
  readonly colour: boolean;
  /** Writes the Markdown report (to a default path when undefined) and returns the path written. */
  readonly writeReport: (path: string | undefined, markdown: string) => Promise<string>;
  /** Fixed screen size (tests); the terminal's size otherwise. */
  readonly size?: TerminalSize;
  /** Longest wait between a denial's arrival and its redraw. */
  readonly flushMs?: number;
  /** The clock for the report's date (tests fix it). */
  readonly now?: () => number;
  /** Runs the followed snap's app (strict, devmode, compare); without it the run keys say why not. */
  readonly runner?: SnapRunner;
}

function useQuery(state: UiState): ViewQuery {
  const { sort, kinds, snap, filter, reviewed, hideReviewed } = state;
  return useMemo(
    () => ({ sort, kinds, filter, reviewed, hideReviewed, ...(snap ? { snap } : {}) }),
    [sort, kinds, snap, filter, reviewed, hideReviewed],
  );
}

/** The whole UI: header, list, detail, status and prompt; keys go through the one dispatcher. */
export function App(props: AppProps) {
  const { store } = props;
  const { exit } = useApp();
  const [state, dispatch] = useReducer(reduce, props, (initial) =>
    appInitialState(initial.snapFilter, initial.runner),
  );
  // With a snap to run, the followed log may bring copies of what a run reports: seen once only.
  const seen = useMemo(() => (props.runner ? new SeenRecords() : undefined), [props.runner]);
  const runDenials = currentRun(state.runs)?.outcome?.denials;
  const marks = useMemo(() => runMarks(runDenials ?? []), [runDenials]);
  const theme = useMemo(() => makeTheme(props.colour), [props.colour]);
  const view = useMemo(() => new GroupView(store), [store]);
  const query = useQuery(state);
  const visible = view.compute(query);
  const size = useTerminalSize(props.size);
  const screen = layout(size.columns, size.rows, state.zoomed, state.overlay);
  const { rows } = visible;
  const viewBase = {
    length: rows.length,
    newestIndex: visible.newestIndex,
    // The store hands out one object per group: finding it by identity beats comparing 100,000 keys.
    indexOf: (key: string) => {
      const group = store.get(key);
      return group ? rows.indexOf(group) : -1;
    },
  };
  const cursor = resolveCursor(state, viewBase);
  const selected = cursor >= 0 ? rows[cursor] : undefined;
  const selectedCount = selected?.count;
  const lines = useMemo(
    () => (selected ? detailLines(selected, size.columns) : []),
    // The group object is updated in place; its count says when its detail changed.
    [selected, selectedCount, size.columns],
  );
  const detailScroll = Math.min(
    detailScrollOf(state, selected?.key),
    Math.max(0, lines.length - screen.detailRows),
  );
  const viewInfo = useRef<ViewInfo | undefined>(undefined);
  viewInfo.current = {
    ...viewBase,
    keyAt: (index) => rows[index]?.key,
    latestAt: (index) => rows[index]?.latest,
    pageSize: Math.max(1, screen.listRows),
    detailHeight: Math.max(1, screen.detailRows),
    detailLength: lines.length,
  };

  // Counted before the dispatch: the feed yields to the render this key queues.
  const keyPresses = useMemo(() => ({ presses: 0 }), []);
  useInput((input, key) => {
    keyPresses.presses++;
    for (const name of keyNames(input, key)) {
      if (viewInfo.current) dispatch({ type: 'key', name, view: viewInfo.current });
    }
  });

  const refreshStats = usePipelineStats(props.stats, dispatch);

  useDenialFeed(
    store,
    props.denials,
    {
      onBatch: (revision) => {
        refreshStats();
        dispatch({ type: 'ingested', revision });
      },
      onEnd: (error) => {
        refreshStats();
        dispatch(error === undefined ? { type: 'sourceEnded' } : { type: 'sourceEnded', error });
      },
    },
    props.flushMs ?? FLUSH_MS,
    seen,
    keyPresses,
  );

  useRequestedWork(state, dispatch, {
    store,
    rows,
    exit,
    writeReport: props.writeReport,
    sourceDescription: props.sourceDescription,
    now: props.now ?? Date.now,
  });

  useRunWork(state.runs, dispatch, store, props.runner, seen);
  useOverlayWork(state.policy, dispatch, props.runner);

  const width = size.columns;
  const compareView = comparing(state);
  const body = screen.help ? (
    <HelpOverlay width={width} height={screen.rows} />
  ) : (
    <>
      <Header
        sourceDescription={props.sourceDescription}
        {...(state.snap ? { snap: state.snap } : {})}
        kindCounts={store.kindCounts()}
        kinds={state.kinds}
        groups={store.size}
        stats={state.stats}
        ended={state.source !== 'live'}
        width={width}
        {...(props.runner?.snap !== undefined ? { runIndicator: modeIndicator(state.runs) } : {})}
        {...(state.policy.policy ? { overlay: state.policy.policy } : {})}
      />
      {compareView ? (
        <ComparePane runs={state.runs} height={screen.listRows + screen.detailRows + 1} width={width} />
      ) : null}
      {screen.listRows > 0 && !compareView ? (
        <GroupList
          rows={rows}
          cursor={cursor}
          height={screen.listRows}
          width={width}
          reviewed={state.reviewed}
          nowBucket={store.latestBucket}
          focused={state.focus === 'list'}
          emptyText={
            store.size === 0 ? 'waiting for denials...' : 'no group matches the view (Esc clears the filter)'
          }
        />
      ) : null}
      {compareView ? null : (
        <LowerPane
          state={state}
          lines={lines}
          scroll={detailScroll}
          height={screen.detailRows}
          width={width}
        />
      )}
      <StatusBar
        position={cursor + 1}
        total={rows.length}
        filter={state.filter}
        {...(visible.filterMode ? { filterMode: visible.filterMode } : {})}
        sort={state.sort}
        following={state.following}
        hideReviewed={state.hideReviewed}
        width={width}
      />
      {state.overlay === 'target' ? (
        <RunPrompt snap={state.runs.snap ?? '?'} input={state.input} width={width} />
      ) : (
        <BottomLine
          overlay={state.overlay}
          filter={state.filter}
          input={state.input}
          {...(state.message ? { message: state.message } : {})}
          width={width}
        />
      )}
    </>
  );
  return (
    <ThemeContext.Provider value={theme}>
      <RunMarksContext.Provider value={marks}>
        <Box flexDirection="column" width={width} height={screen.rows}>
          {body}
        </Box>
      </RunMarksContext.Provider>
    </ThemeContext.Provider>
  );
}
