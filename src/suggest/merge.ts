/** Ascending lists of indexes merged into one ascending list, each index once. */
export function mergeSorted(
  a: readonly number[],
  b: readonly number[],
  c: readonly number[],
): readonly number[] {
  if (b.length === 0 && c.length === 0) return a;
  if (a.length === 0 && c.length === 0) return b;
  if (a.length === 0 && b.length === 0) return c;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length || k < c.length) {
    const next = Math.min(a[i] ?? Infinity, b[j] ?? Infinity, c[k] ?? Infinity);
    out.push(next);
    if (a[i] === next) i++;
    if (b[j] === next) j++;
    if (c[k] === next) k++;
  }
  return out;
}
