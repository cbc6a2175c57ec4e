#!/usr/bin/env node
// Turns a terminal capture with SGR escapes (tmux capture-pane -e -p) into a standalone HTML page
// that looks like the terminal: dark background, monospace grid, the 16 xterm colours, 256-colour
// and true-colour codes, bold, dim, italic, underline and inverse.
// Usage: node scripts/ansi-to-html.mjs TITLE < capture.ansi > page.html
import { readFileSync } from 'node:fs';

const BASE = [
  '#2e3436',
  '#cc0000',
  '#4e9a06',
  '#c4a000',
  '#3465a4',
  '#75507b',
  '#06989a',
  '#d3d7cf',
  '#555753',
  '#ef2929',
  '#8ae234',
  '#fce94f',
  '#729fcf',
  '#ad7fa8',
  '#34e2e2',
  '#eeeeec',
];
const ESC = String.fromCharCode(0x1b);
const FOREGROUND = '#d3d7cf';
const BACKGROUND = '#1e1e1e';

function colour256(n) {
  if (n < 16) return BASE[n];
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level},${level},${level})`;
  }
  const index = n - 16;
  const step = (v) => (v === 0 ? 0 : 55 + v * 40);
  return `rgb(${step(Math.floor(index / 36))},${step(Math.floor(index / 6) % 6)},${step(index % 6)})`;
}

const initial = () => ({
  fg: undefined,
  bg: undefined,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  inverse: false,
});

function applySgr(state, codes) {
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) Object.assign(state, initial());
    else if (code === 1) state.bold = true;
    else if (code === 2) state.dim = true;
    else if (code === 3) state.italic = true;
    else if (code === 4) state.underline = true;
    else if (code === 7) state.inverse = true;
    else if (code === 22) state.bold = state.dim = false;
    else if (code === 23) state.italic = false;
    else if (code === 24) state.underline = false;
    else if (code === 27) state.inverse = false;
    else if (code >= 30 && code <= 37) state.fg = BASE[code - 30];
    else if (code === 39) state.fg = undefined;
    else if (code >= 40 && code <= 47) state.bg = BASE[code - 40];
    else if (code === 49) state.bg = undefined;
    else if (code >= 90 && code <= 97) state.fg = BASE[code - 90 + 8];
    else if (code >= 100 && code <= 107) state.bg = BASE[code - 100 + 8];
    else if (code === 38 || code === 48) {
      const target = code === 38 ? 'fg' : 'bg';
      if (codes[i + 1] === 5) {
        state[target] = colour256(codes[i + 2] ?? 0);
        i += 2;
      } else if (codes[i + 1] === 2) {
        state[target] = `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`;
        i += 4;
      }
    }
  }
}

function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function styleOf(state) {
  let fg = state.fg ?? FOREGROUND;
  let bg = state.bg;
  if (state.inverse) [fg, bg] = [bg ?? BACKGROUND, fg];
  const parts = [`color:${fg}`];
  if (bg) parts.push(`background:${bg}`);
  if (state.bold) parts.push('font-weight:bold');
  if (state.dim) parts.push('opacity:0.6');
  if (state.italic) parts.push('font-style:italic');
  if (state.underline) parts.push('text-decoration:underline');
  return parts.join(';');
}

export function ansiToHtml(capture, title) {
  const state = initial();
  let body = '';
  const pattern = new RegExp(`${ESC}\\[([0-9;]*)m`, 'g');
  const otherSequence = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');
  for (const line of capture.replace(/\n$/, '').split('\n')) {
    let html = '';
    let at = 0;
    const flush = (text) => {
      if (text) html += `<span style="${styleOf(state)}">${escapeHtml(text)}</span>`;
    };
    for (const match of line.matchAll(pattern)) {
      flush(line.slice(at, match.index));
      applySgr(state, match[1] === '' ? [0] : match[1].split(';').map(Number));
      at = match.index + match[0].length;
    }
    flush(line.slice(at).replace(otherSequence, ''));
    body += `<div class="row">${html || ' '}</div>\n`;
  }
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
html, body { margin: 0; background: ${BACKGROUND}; }
.screen { padding: 12px; font: 14px/17px 'DejaVu Sans Mono', 'Liberation Mono', monospace; color: ${FOREGROUND}; }
.row { white-space: pre; height: 17px; }
</style></head>
<body><div class="screen">
${body}</div></body></html>
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(ansiToHtml(readFileSync(0, 'utf8'), process.argv[2] ?? 'snappy-debug'));
}
