import { useEffect, useRef, type Dispatch } from 'react';
import { renderReport } from '../src/ui/export-markdown.js';
import type { DenialGroup, GroupStore } from '../src/ui/group-store.js';
import type { Action } from '../src/ui/reducer.js';
import type { UiState } from '../src/ui/state.js';
import { viewDescription } from '../src/ui/view-description.js';

export interface WorkContext {
  readonly store: GroupStore;
  /** The rows on screen: what an export writes. */
  readonly rows: readonly DenialGroup[];
  readonly exit: () => void;
  readonly writeReport: (path: string | undefined, markdown: string) => Promise<string>;
  readonly sourceDescription: string;
  readonly now: () => number;
}

/** Does what the reducer asked for (quit, clear, export), once per request, and reports back. */
export function useRequestedWork(state: UiState, dispatch: Dispatch<Action>, context: WorkContext): void {
  const latest = useRef({ state, context });
  latest.current = { state, context };
  const id = state.effect?.id;
  useEffect(() => {
    const { state: current, context: work } = latest.current;
    const effect = current.effect;
    if (!effect) return;
    const done = (level: 'info' | 'error', text: string): void =>
      dispatch({ type: 'effectDone', id: effect.id, message: { level, text } });
    if (effect.type === 'quit') {
      work.exit();
      return;
    }
    if (effect.type === 'clear') {
      work.store.clear();
      dispatch({ type: 'ingested', revision: work.store.revision });
      done('info', 'cleared all groups');
      return;
    }
    const shown = work.rows;
    const markdown = renderReport(shown, {
      generatedAt: work.now(),
      sourceDescription: work.sourceDescription,
      viewDescription: viewDescription(current),
    });
    work.writeReport(effect.path, markdown).then(
      (path) => done('info', `exported ${shown.length} groups to ${path}`),
      (error: unknown) =>
        done('error', `export failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }, [id, dispatch]);
}
