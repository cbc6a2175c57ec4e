// Characters with the codes that style them, and back to a string with the fewest codes.
import { CLOSING_CODES, isIntensity, RESET } from './codes.js';

const NO_STYLES = Object.freeze([]);

function hasCode(styles, code) {
  for (let i = 0; i < styles.length; i++) if (styles[i].code === code) return true;
  return false;
}

function hasEndCode(styles, endCode) {
  for (let i = 0; i < styles.length; i++) if (styles[i].endCode === endCode) return true;
  return false;
}

function hasToken(styles, token) {
  for (let i = 0; i < styles.length; i++) {
    if (styles[i].code === token.code && styles[i].endCode === token.endCode) return true;
  }
  return false;
}

/** Removes, in place, the styles that `endCode` closes. */
function removeClosedBy(styles, endCode) {
  let kept = 0;
  for (let i = 0; i < styles.length; i++) {
    const style = styles[i];
    if (style.endCode !== endCode) styles[kept++] = style;
  }
  styles.length = kept;
}

/**
 * Applies one code to a style in place: a reset clears it, a closing code ends what it closes,
 * bold or dim is added once, any other code replaces the style it would close with.
 */
function applyInPlace(styles, token) {
  if (token.code === RESET) styles.length = 0;
  else if (CLOSING_CODES.has(token.code)) removeClosedBy(styles, token.code);
  else if (isIntensity(token)) {
    if (!hasToken(styles, token)) styles.push(token);
  } else {
    removeClosedBy(styles, token.endCode);
    styles.push(token);
  }
}

/** `styles` after `token`: the same array when nothing changes, else a new frozen one. */
function applyCode(styles, token) {
  if (token.code === RESET) return NO_STYLES;
  if (CLOSING_CODES.has(token.code) && !hasEndCode(styles, token.code)) return styles;
  if (isIntensity(token) && hasToken(styles, token)) return styles;
  const next = [...styles];
  applyInPlace(next, token);
  return Object.freeze(next);
}

/**
 * The characters of `tokens`, each with the codes in force at it. Characters of one style share
 * one frozen `styles` array. A character token is taken as tokenize() makes it (type, value,
 * fullWidth); other properties it may carry are not copied.
 */
export function styledCharsFromTokens(tokens) {
  let styles = NO_STYLES;
  const chars = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.type === 'ansi') styles = applyCode(styles, token);
    else if (token.type === 'char') {
      chars.push({ type: 'char', value: token.value, fullWidth: token.fullWidth, styles });
    }
  }
  return chars;
}

// Reused by every call (they are synchronous): the pieces of the string being built, and the
// codes a transition undoes.
const parts = [];
const undone = [];

/** Appends `code` unless this transition (parts from `start` on) already wrote it. */
function emit(code, start) {
  for (let i = start; i < parts.length; i++) if (parts[i] === code) return;
  parts.push(code);
}

/**
 * Appends the codes that change style `from` into style `to`: closes what `to` neither keeps nor
 * replaces (latest first), then opens what `from` lacks.
 */
function appendTransition(from, to) {
  if (from === to || (from.length === 0 && to.length === 0)) return;
  const start = parts.length;
  undone.length = 0;
  for (let i = 0; i < from.length; i++) {
    const style = from[i];
    const kept = isIntensity(style) ? hasCode(to, style.code) : hasEndCode(to, style.endCode);
    if (!kept) applyInPlace(undone, style);
  }
  for (let i = undone.length - 1; i >= 0; i--) emit(undone[i].endCode, start);
  undone.length = 0;
  for (let i = 0; i < to.length; i++) if (!hasCode(from, to[i].code)) emit(to[i].code, start);
}

/** The characters as one string, styled as they are, with every style closed at its end. */
export function styledCharsToString(chars) {
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (i === 0) {
      for (let j = 0; j < char.styles.length; j++) emit(char.styles[j].code, 0);
    } else {
      appendTransition(chars[i - 1].styles, char.styles);
    }
    parts.push(char.value);
    if (i === chars.length - 1) appendTransition(char.styles, NO_STYLES);
  }
  const result = parts.join('');
  parts.length = 0;
  return result;
}
