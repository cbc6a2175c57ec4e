/** The compare report as text (a header per run, the diffs, the verdict) and as one JSON object. */
import { toJsonRecord } from '../output/json.js';
import { lineDiff, splitLines } from './compare-diff.js';
import type { CapturedOutput, Comparison, RunOutcome } from './compare-report.js';
import { describeDenial } from './run-support.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function shownBytes(output: CapturedOutput): number {
  return Buffer.byteLength(output.text);
}

function outputBlock(name: string, output: CapturedOutput): string[] {
  if (output.bytes === 0) return [`${name}: empty`];
  const cut = output.bytes > shownBytes(output) ? ` (the first ${shownBytes(output)} shown)` : '';
  return [
    `${name}: ${plural(output.bytes, 'byte')}${cut}`,
    ...splitLines(output.text).map((l) => `  | ${l}`),
  ];
}

function runBlock(mode: string, run: RunOutcome, tag: string): string[] {
  return [
    `== ${mode}: exit ${run.exit}, ${run.durationMs} ms, ${plural(run.denials.length, 'denial')}`,
    ...outputBlock('stdout', run.stdout),
    ...outputBlock('stderr', run.stderr),
    ...(run.denials.length === 0
      ? []
      : ['denials:', ...run.denials.map((d) => `  ${describeDenial(d, tag)}`)]),
  ];
}

function diffBlock(name: 'stdout' | 'stderr', comparison: Comparison): string[] {
  const strict = comparison.strict[name];
  const devmode = comparison.devmode[name];
  if (strict.digest === devmode.digest) return [`== ${name}: the same in both runs`];
  const cut =
    strict.bytes > shownBytes(strict) || devmode.bytes > shownBytes(devmode) ? ' (of the bytes shown)' : '';
  return [
    `== ${name} diff (- strict, + devmode)${cut}`,
    ...lineDiff(strict.text, devmode.text).map((line) => `${line.op} ${line.text}`),
  ];
}

/** The plain-text report; `tag` names the app where a denial has no label. */
export function formatComparison(comparison: Comparison, tag: string): string {
  return [
    ...runBlock('strict', comparison.strict, tag),
    ...runBlock('devmode', comparison.devmode, tag),
    ...diffBlock('stdout', comparison),
    ...diffBlock('stderr', comparison),
    '== verdict',
    comparison.verdict,
    '',
  ].join('\n');
}

function runRecord(run: RunOutcome): Record<string, unknown> {
  return {
    exit: run.exit,
    duration_ms: run.durationMs,
    stdout: run.stdout.text,
    stdout_bytes: run.stdout.bytes,
    stderr: run.stderr.text,
    stderr_bytes: run.stderr.bytes,
    denials: run.denials.map(toJsonRecord),
  };
}

/** The JSON report: one object, denials shaped like `scanlog --json` records. */
export function comparisonRecord(comparison: Comparison): Record<string, unknown> {
  return {
    strict: runRecord(comparison.strict),
    devmode: runRecord(comparison.devmode),
    only_strict: comparison.onlyStrict.map(toJsonRecord),
    same: comparison.same,
    verdict: comparison.verdict,
  };
}
