// A string as ANSI code tokens and character tokens, one character per grapheme cluster.
import isFullwidthCodePoint from 'is-fullwidth-code-point';
import { ansiToken, LINK_PREFIX } from './codes.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const ESC = 0x1b;
const ONE_BYTE_CSI = 0x9b;
const CR = 0x0d;
const LF = 0x0a;
const BEL = '\x07';

/**
 * Whether a grapheme cluster ends right after the ASCII unit at `index`. A control ends its own
 * cluster (CR LF is one); a printable ASCII character joins only with a following mark, joiner or
 * selector, all outside ASCII. Elsewhere the segmenter decides.
 */
function asciiClusterEnd(str, index, unit) {
  if (unit < 0x20 || unit === 0x7f)
    return unit === CR && str.charCodeAt(index + 1) === LF ? index + 2 : index + 1;
  const next = str.charCodeAt(index + 1);
  return Number.isNaN(next) || next < 0x80 ? index + 1 : -1;
}

/** The end of the SGR sequence that starts at `index` (after its two-unit introducer), or -1. */
function sgrEnd(str, index) {
  for (let at = index + 2; at < str.length; at++) {
    const unit = str.charCodeAt(at);
    if (unit === 0x6d) return at + 1; // m
    if (unit !== 0x3b && (unit < 0x30 || unit > 0x39)) return -1; // neither ; nor a digit
  }
  return -1;
}

/** The end of the OSC 8 link code that starts at `index`, or -1. The first unit is not checked. */
function linkEnd(str, index) {
  for (let at = 1; at < LINK_PREFIX.length; at++) {
    if (str.charCodeAt(index + at) !== LINK_PREFIX.charCodeAt(at)) return -1;
  }
  const parametersEnd = str.indexOf(';', index + LINK_PREFIX.length);
  if (parametersEnd === -1) return -1;
  const end = str.indexOf(BEL, parametersEnd + 1);
  return end === -1 ? -1 : end + 1;
}

/** Pushes the tokens of SGR code `code`, one per style, keeping 256-colour and 24-bit colours whole. */
function pushSgrTokens(tokens, code) {
  if (!code.includes(';')) {
    tokens.push(ansiToken(code));
    return;
  }
  const parts = code.slice(2, -1).split(';');
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i];
    if (part === '38' || part === '48') {
      if (i + 2 < parts.length && parts[i + 1] === '5') {
        part = parts.slice(i, i + 3).join(';');
        i += 2;
      } else if (i + 4 < parts.length && parts[i + 1] === '2') {
        part = parts.slice(i, i + 5).join(';');
        i += 4;
      }
    }
    tokens.push(ansiToken(`\x1b[${part}m`));
  }
}

const clusterEnd = (cluster) => cluster.index + cluster.segment.length;

function isFullwidthCluster(cluster, codePoint) {
  return (
    isFullwidthCodePoint(codePoint) ||
    cluster.includes('\ufe0f') || // emoji presentation selector
    (codePoint >= 0x1f1e6 && codePoint <= 0x1f1ff) // regional indicators pair into flags
  );
}

/**
 * Splits `str` into ANSI code tokens and character tokens (grapheme clusters, with whether they
 * take two columns), stopping once the characters cover `endChar` columns.
 */
export function tokenize(str, endChar = Number.POSITIVE_INFINITY) {
  const tokens = [];
  let segments; // made on the first cluster that is not plain ASCII
  const clusterAt = (index) => {
    segments ??= segmenter.segment(str);
    return segments.containing(index);
  };
  let visible = 0;
  let index = 0;
  while (index < str.length) {
    const unit = str.charCodeAt(index);
    if (unit === ESC || unit === ONE_BYTE_CSI) {
      const introducer = str.charCodeAt(index + 1);
      const OSC = 0x5d; // ]
      const CSI = 0x5b; // [
      let end = -1;
      if (introducer === OSC) end = linkEnd(str, index);
      else if (introducer === CSI) end = sgrEnd(str, index);
      if (end !== -1) {
        const code = str.slice(index, end);
        if (introducer === OSC) tokens.push(ansiToken(code));
        else pushSgrTokens(tokens, code);
        // A code's last unit can begin a cluster (m and a combining mark): skip all of that cluster.
        const joinsNext = end < str.length && str.charCodeAt(end) >= 0x80 && str[end - 1] !== BEL;
        index = joinsNext ? clusterEnd(clusterAt(end - 1)) : end;
        continue;
      }
    }
    let end = unit < 0x80 ? asciiClusterEnd(str, index, unit) : -1;
    let value;
    let fullWidth = false;
    if (end === index + 1) {
      value = str[index];
    } else if (end !== -1) {
      value = '\r\n';
    } else {
      const cluster = clusterAt(index);
      value = cluster.segment;
      end = clusterEnd(cluster);
      fullWidth = isFullwidthCluster(value, value.codePointAt(0));
    }
    tokens.push({ type: 'char', value, fullWidth });
    visible += fullWidth ? 2 : 1;
    if (visible >= endChar) break;
    index = end;
  }
  return tokens;
}
