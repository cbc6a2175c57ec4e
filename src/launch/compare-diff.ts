/** A line diff of two bounded outputs (strict's and devmode's), for the compare report. */

export interface DiffLine {
  /** ' ' in both runs, '-' only in strict's output, '+' only in devmode's. */
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/** Above this many cells of the LCS table the middle is shown as removed then added. */
const MAX_TABLE_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Every line of `strict` and `devmode` in order, marked as common, strict-only or devmode-only
 * (longest common subsequence after the common head and tail are taken off).
 */
export function lineDiff(strict: string, devmode: string): DiffLine[] {
  const a = splitLines(strict);
  const b = splitLines(devmode);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const common = (lines: readonly string[]): DiffLine[] => lines.map((text) => ({ op: ' ', text }));
  const middle = middleDiff(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [...common(a.slice(0, head)), ...middle, ...common(a.slice(a.length - tail))];
}

function middleDiff(a: readonly string[], b: readonly string[]): DiffLine[] {
  if ((a.length + 1) * (b.length + 1) > MAX_TABLE_CELLS) {
    return [
      ...a.map((text) => ({ op: '-' as const, text })),
      ...b.map((text) => ({ op: '+' as const, text })),
    ];
  }
  const width = b.length + 1;
  // lcs[i * width + j]: length of the LCS of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      out.push({ op: '-', text: a[i++]! });
    } else {
      out.push({ op: '+', text: b[j++]! });
    }
  }
  while (i < a.length) out.push({ op: '-', text: a[i++]! });
  while (j < b.length) out.push({ op: '+', text: b[j++]! });
  return out;
}

/** True when the diff has any line that is not common to both runs. */
export function differs(diff: readonly DiffLine[]): boolean {
  return diff.some((line) => line.op !== ' ');
}
