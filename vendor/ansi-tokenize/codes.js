// SGR and OSC 8 codes as tokens: which code closes which, and one shared token per code.
import ansiStyles from 'ansi-styles';

const sgr = (number) => `\x1b[${number}m`;

export const RESET = ansiStyles.reset.open;
const BOLD = ansiStyles.bold.open;
const DIM = ansiStyles.dim.open;
export const LINK_PREFIX = '\x1b]8;';
const LINK_END = '\x1b]8;;\x07';

/** Codes that close a style (`\x1b[39m`, `\x1b[22m`, ...). */
export const CLOSING_CODES = new Set();
const closerOf = new Map();
for (const [open, close] of ansiStyles.codes) {
  CLOSING_CODES.add(sgr(close));
  closerOf.set(sgr(open), sgr(close));
}

/** Bold and dim both close with `\x1b[22m` yet can be on together. */
export const isIntensity = (token) => token.code === BOLD || token.code === DIM;

function closingCodeOf(code) {
  if (CLOSING_CODES.has(code)) return code;
  const known = closerOf.get(code);
  if (known !== undefined) return known;
  if (code.startsWith(LINK_PREFIX)) return LINK_END;
  // Parameters after the introducer, whichever of ESC [ or the one-byte CSI opened the code.
  const parameters = code.slice(2);
  if (parameters.startsWith('38')) return ansiStyles.color.close;
  if (parameters.startsWith('48')) return ansiStyles.bgColor.close;
  const closer = ansiStyles.codes.get(Number.parseInt(parameters, 10));
  return closer === undefined ? RESET : sgr(closer);
}

// Screens use a handful of codes; the bound only matters for input full of distinct 24-bit colours.
const MAX_SHARED_TOKENS = 4096;
const tokens = new Map();

/** The token of `code`, frozen and shared by every caller: the same code always means the same. */
export function ansiToken(code) {
  let token = tokens.get(code);
  if (token === undefined) {
    if (tokens.size >= MAX_SHARED_TOKENS) tokens.clear();
    token = Object.freeze({ type: 'ansi', code, endCode: closingCodeOf(code) });
    tokens.set(code, token);
  }
  return token;
}
