/** The run panel's lines, from the run state alone. Pure. */
import { accessName } from '../launch/compare-report.js';
import type { DetailLine } from './detail-lines.js';
import { truncate } from './format.js';
import { currentRun, MODE_LABELS, targetText, type RunRecord, type RunsState } from './run-state.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `exit 1, 230 ms, 2 denials`, or how far the run got (`running... 1.2 s` at `now`). */
export function runResult(run: RunRecord, now?: number): string {
  if (run.phase === 'running') {
    if (now === undefined || run.startedAt === undefined) return 'running...';
    return `running... ${(Math.max(0, now - run.startedAt) / 1000).toFixed(1)} s`;
  }
  if (run.phase === 'failed') return `could not run: ${run.error ?? 'unknown error'}`;
  const outcome = run.outcome;
  if (!outcome) return 'finished';
  return `exit ${outcome.exit}, ${outcome.durationMs} ms, ${plural(outcome.denials.length, 'denial')}`;
}

/** `#2 STRICT hello.app ARGS: exit 1, ...`: one line naming a run (numbered from 1 in this UI). */
export function runHeadline(snap: string, run: RunRecord, now?: number): string {
  return `#${run.id} ${MODE_LABELS[run.mode]} ${snap}.${targetText(run.target)}: ${runResult(run, now)}`;
}

function denialLines(run: RunRecord): DetailLine[] {
  const denials = run.outcome?.denials ?? [];
  if (denials.length === 0) return run.phase === 'finished' ? [{ text: 'no denials', role: 'muted' }] : [];
  const seen = new Set<string>();
  const names: string[] = [];
  for (const d of denials) {
    const name = `${accessName(d)} ${d.decision ?? 'DENIED'}`;
    if (!seen.has(name)) names.push(name);
    seen.add(name);
  }
  return [
    { text: `◆ denials: ${names.sort().join(', ')}`, role: run.mode === 'strict' ? 'denied' : 'allowed' },
  ];
}

/**
 * The panel's title, then the current run's result, its denials (◆ also marks their groups in
 * the list), the previous run kept for comparison, and the tail of the output that fits.
 */
export function runPanelLines(runs: RunsState, height: number, width: number, now?: number): DetailLine[] {
  const run = currentRun(runs);
  const snap = runs.snap ?? '?';
  if (!run) {
    const hint = runs.snap === undefined ? 'no snap to run' : 'r strict, d devmode, c compare, R app/args';
    return [{ text: `no run yet: ${hint}`, role: 'muted' }];
  }
  const previous = runs.history[1];
  const head: DetailLine[] = [
    { text: runHeadline(snap, run, now), role: run.phase === 'failed' ? 'error' : 'title' },
    ...denialLines(run),
    ...(previous ? [{ text: `previous: ${runHeadline(snap, previous)}`, role: 'muted' as const }] : []),
  ];
  const partial = (['stdout', 'stderr'] as const)
    .filter((s) => run.partial[s] !== '')
    .map((s) => ({ stream: s, text: run.partial[s] }));
  const output = [...run.lines, ...partial].map((line): DetailLine => ({
    text: line.stream === 'note' ? `· ${line.text}` : line.text,
    role: line.stream === 'stderr' ? 'error' : line.stream === 'note' ? 'muted' : 'normal',
  }));
  const room = Math.max(0, height - head.length);
  const tail = output.slice(Math.max(0, output.length - room));
  return [...head, ...tail].slice(0, height).map((line) => ({ ...line, text: truncate(line.text, width) }));
}
