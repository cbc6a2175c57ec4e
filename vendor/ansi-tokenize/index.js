// Ink (build/output.js) turns every line it draws into styled characters and every row of the
// screen back into a string through these three functions, for every frame. They give the same
// results as @alcalzone/ansi-tokenize 0.2.5 (test/unit/ansi-tokenize.test.ts compares them on
// random input) while allocating almost nothing per cell: printable ASCII skips the grapheme
// segmenter, ANSI code tokens are shared, characters of one style share one frozen styles array,
// and a row is joined from a reused array instead of diffing styles through fresh Sets per cell.
export { tokenize } from './tokenize.js';
export { styledCharsFromTokens, styledCharsToString } from './styled-chars.js';
