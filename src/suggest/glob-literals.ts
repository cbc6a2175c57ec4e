/**
 * The literal stretches every path a glob matches must contain. Checking them with `includes`
 * before running the glob's regular expression keeps a hostile path (thousands of slashes or
 * components) away from the backtracking that globs with several `**` cost: `/sys/devices/**` +
 * `/**` + `/drm/card[0-9]` took 55 ms on a 4 KiB path that holds no `/drm/card` at all.
 */

/** Shorter stretches (a lone `/`) occur in nearly every path and rule nothing out. */
const MIN_LITERAL = 3;
const SPECIAL = new Set(['*', '?', '[', ']', '{', '}', ',', '@']);

/** Literal runs outside braces, classes, variables and wildcards, slashes collapsed as the glob is. */
export function requiredLiterals(glob: string): readonly string[] {
  const pattern = glob.replace(/\/{2,}/g, '/');
  const literals: string[] = [];
  let run = '';
  let depth = 0;
  const flush = (): void => {
    if (depth === 0 && run.length >= MIN_LITERAL) literals.push(run);
    run = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      run += pattern[++i];
    } else if (ch === '{') {
      flush();
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      run = '';
    } else if (ch === '[') {
      flush();
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return literals;
      i = end;
    } else if (SPECIAL.has(ch)) {
      flush();
    } else if (depth === 0) {
      run += ch;
    }
  }
  flush();
  return literals;
}
