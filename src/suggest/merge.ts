/** Ascending lists of indexes merged into one ascending list, each index once. */
export function mergeSorted(
  a: readonly number[],
  b: readonly number[],
  c: readonly number[],
): readonly number[] {
  if (c.length === 0) return mergeTwo(a, b);
  if (b.length === 0) return mergeTwo(a, c);
  if (a.length === 0) return mergeTwo(b, c);
  return mergeTwo(mergeTwo(a, b), c);
}

function mergeTwo(a: readonly number[], b: readonly number[]): readonly number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
