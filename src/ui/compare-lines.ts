/** The compare view: strict and devmode side by side, the diff, what only strict enforces, the verdict. Pure. */
import { lineDiff, splitLines } from '../launch/compare-diff.js';
import { accessName, compareRuns, withoutLateRecords, type Comparison } from '../launch/compare-report.js';
import type { DetailLine } from './detail-lines.js';
import { fit, hardWrap, truncate } from './format.js';
import { lastFinished, MODE_LABELS, type RunRecord, type RunsState } from './run-state.js';
import { runResult } from './run-lines.js';

export interface ComparedRuns {
  readonly strict: RunRecord;
  readonly devmode: RunRecord;
  readonly comparison: Comparison;
}

/**
 * The last finished strict and devmode runs of the current target, compared as `compare` does:
 * the later run without the seccomp records the earlier run's processes logged late.
 */
export function comparedRuns(runs: RunsState): ComparedRuns | undefined {
  const target = runs.target;
  if (!target) return undefined;
  const strict = lastFinished(runs, 'strict', target);
  const devmode = lastFinished(runs, 'devmode', target);
  if (!strict?.outcome || !devmode?.outcome) return undefined;
  const [earlier, later] = strict.id < devmode.id ? [strict, devmode] : [devmode, strict];
  const laterDenials = withoutLateRecords(later.outcome!.denials, earlier.outcome!.denials);
  const strictOutcome = later === strict ? { ...strict.outcome, denials: laterDenials } : strict.outcome;
  const devmodeOutcome = later === devmode ? { ...devmode.outcome, denials: laterDenials } : devmode.outcome;
  return { strict, devmode, comparison: compareRuns(strictOutcome, devmodeOutcome) };
}

/** Wraps at blanks where it can, else hard. */
export function wordWrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const joined = line === '' ? word : `${line} ${word}`;
    if (joined.length <= width) line = joined;
    else {
      if (line !== '') lines.push(line);
      line = word;
      while (line.length > width) {
        lines.push(...hardWrap(line.slice(0, width), width));
        line = line.slice(width);
      }
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Lines of each run's output that the other lacks, at most DIFF_LINES per stream. */
const DIFF_LINES = 4;

function diffLines(comparison: Comparison, stream: 'stdout' | 'stderr', width: number): DetailLine[] {
  const changed = lineDiff(comparison.strict[stream].text, comparison.devmode[stream].text).filter(
    (line) => line.op !== ' ',
  );
  if (changed.length === 0) return [];
  const more = changed.length > DIFF_LINES ? ` (first ${DIFF_LINES} of ${changed.length})` : '';
  return [
    { text: `${stream} diff (- strict, + devmode)${more}:`, role: 'muted' },
    ...changed.slice(0, DIFF_LINES).map((line): DetailLine => ({
      text: truncate(`${line.op} ${line.text}`, width),
      role: line.op === '-' ? 'denied' : 'allowed',
    })),
  ];
}

function outputOf(run: RunRecord): string[] {
  const outcome = run.outcome!;
  const out = splitLines(outcome.stdout.text);
  const err = splitLines(outcome.stderr.text).map((l) => `! ${l}`);
  return [...out, ...err];
}

/** Lines for a pane `width` wide and at most `height` high. */
export function compareLines(compared: ComparedRuns, height: number, width: number): DetailLine[] {
  const { strict, devmode, comparison } = compared;
  const half = Math.max(1, Math.floor((width - 3) / 2));
  const pair = (left: string, right: string): string => `${fit(left, half)} │ ${truncate(right, half)}`;
  const verdict = wordWrap(`verdict: ${comparison.verdict}`, width).map((text): DetailLine => ({
    text,
    role: comparison.same ? 'info' : 'denied',
  }));
  const only = comparison.onlyStrict.map(accessName);
  const onlyLine: DetailLine = {
    text: truncate(`only strict enforces: ${only.length > 0 ? only.join(', ') : 'nothing'}`, width),
    role: only.length > 0 ? 'denied' : 'info',
  };
  const diff = (['stdout', 'stderr'] as const).flatMap((stream) => diffLines(comparison, stream, width));
  const head: DetailLine[] = [
    { text: pair(MODE_LABELS.strict, MODE_LABELS.devmode), role: 'heading' },
    { text: pair(runResult(strict), runResult(devmode)), role: 'normal' },
  ];
  // The verdict and what only strict enforces always show; the diff and the outputs take what is left.
  const fixed = head.length + 1 + verdict.length;
  const tail: DetailLine[] = [onlyLine, ...diff.slice(0, Math.max(0, height - fixed)), ...verdict];
  const room = Math.max(0, height - head.length - tail.length);
  const left = outputOf(strict);
  const right = outputOf(devmode);
  const sideBySide = Array.from({ length: Math.min(room, Math.max(left.length, right.length)) }, (_, i) => ({
    text: pair(left[i] ?? '', right[i] ?? ''),
    role: 'normal' as const,
  }));
  return [...head, ...sideBySide, ...tail].slice(0, height);
}
