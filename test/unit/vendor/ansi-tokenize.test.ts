// vendor/ansi-tokenize stands in for @alcalzone/ansi-tokenize under Ink (package.json overrides):
// every result must equal upstream's (installed as ansi-tokenize-upstream) on random strings made
// of the pieces that matter: SGR and OSC 8 codes, broken codes, controls, and grapheme clusters
// whose bounds depend on their neighbours (marks, joiners, flags, Prepend, Indic conjuncts).
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as upstream from 'ansi-tokenize-upstream';
import * as ours from '@alcalzone/ansi-tokenize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

const sgrNumbers = [
  0, 1, 2, 3, 4, 5, 7, 8, 9, 21, 22, 23, 24, 27, 28, 29, 30, 31, 37, 39, 40, 41, 49, 53, 55, 90, 97, 100, 107,
];
const codePieces = [
  ...sgrNumbers.map((n) => `\x1b[${n}m`),
  '\x1b[m',
  '\x1b[01m',
  '\x1b[1;31m',
  '\x1b[1;2;22;4m',
  '\x1b[38;5;208m',
  '\x1b[48;5;17;1m',
  '\x1b[38;2;10;20;30m',
  '\x1b[48;2;1;2;3;4;5m',
  '\x1b[38;2;1m',
  '\x1b[38;5m',
  '\x1b[0;38;2;255;0;0;48;5;4m',
  '\x1b[31',
  '\x1b[3x',
  '\x1b[',
  '\x1b]8;;https://snapcraft.io\x07',
  '\x1b]8;id=1;file:///tmp/x\x07',
  '\x1b]8;;\x07',
  '\x1b]8;;no-bell',
  '\x1b]8no-semicolon\x07',
  '\x1b]0;title\x07',
  '\x9b[1m',
  '\x9b[1;4m',
  '\x9b]8;;u\x07',
  '\x9b',
  '\x1b',
];
const textPieces = [
  'a',
  'Z',
  ' ',
  '  ',
  'snap.app',
  '0',
  '#',
  '*',
  '~',
  ';',
  'm',
  '[',
  ']',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\x00',
  '\x07',
  '\x7f',
  '\u0301',
  '\u0308',
  '\u200d',
  '\ufe0f',
  '\ufe0e',
  '\u20e3',
  '\u0903',
  '\u093f',
  '\u00ad',
  '\u200b',
  '🇦',
  '🇧',
  '🇨',
  '👍',
  '🏽',
  '👨',
  '👩',
  '❤',
  '©',
  '😀',
  '\u0600',
  '\u0915',
  '\u094d',
  '\u0937',
  '\u0e33',
  '\u1100',
  '\u1161',
  '\u11a8',
  '가',
  '中',
  '文',
  'Ａ',
  'ｶ',
  'ﾞ',
  '…',
  '›',
  '▃',
  '█',
  '─',
  '│',
  '·',
  'é',
  'ß',
  '\ud83d',
  '\ude00',
];
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...textPieces) },
  { weight: 2, arbitrary: fc.constantFrom(...codePieces) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const styledString = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));

/** Plain data: a frozen shared array and a fresh one compare the same, and so does key order. */
const json = (value: unknown) => JSON.stringify(value);

describe('vendor/ansi-tokenize against @alcalzone/ansi-tokenize 0.2.5', () => {
  it('is what node_modules gives Ink (the override is in place)', () => {
    // Node looks beside ink first, then at the top level.
    const candidates = ['node_modules/ink/node_modules', 'node_modules'].map((dir) =>
      join(root, dir, '@alcalzone/ansi-tokenize'),
    );
    const found = candidates.find((candidate) => existsSync(candidate));
    expect(found && realpathSync(found)).toBe(join(root, 'vendor/ansi-tokenize'));
  });

  it('tokenizes every string the same, to the same end column', () => {
    fc.assert(
      fc.property(styledString, fc.option(fc.integer({ min: 0, max: 30 })), (text, endChar) => {
        const columns = endChar ?? undefined;
        expect(json(ours.tokenize(text, columns))).toBe(json(upstream.tokenize(text, columns)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('styles the characters the same and writes them back the same', () => {
    fc.assert(
      fc.property(styledString, (text) => {
        const expected = upstream.styledCharsFromTokens(upstream.tokenize(text));
        const chars = ours.styledCharsFromTokens(ours.tokenize(text));
        expect(json(chars)).toBe(json(expected));
        expect(ours.styledCharsToString(chars)).toBe(upstream.styledCharsToString(expected));
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes a screen row built as Ink builds it (blank cells, lines written over them) the same', () => {
    const line = fc.record({ text: styledString, at: fc.integer({ min: 0, max: 30 }) });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 4 }), fc.integer({ min: 1, max: 40 }), (lines, width) => {
        type Cell = { type: 'char'; value: string; fullWidth: boolean; styles: readonly unknown[] };
        const row = (library: typeof ours | typeof upstream) => {
          const cells: (Cell | undefined)[] = Array.from({ length: width }, () => ({
            type: 'char',
            value: ' ',
            fullWidth: false,
            styles: [],
          }));
          for (const { text, at } of lines) {
            let x = at;
            for (const char of library.styledCharsFromTokens(library.tokenize(text))) {
              cells[x] = char as Cell;
              if (char.fullWidth)
                cells[x + 1] = { type: 'char', value: '', fullWidth: false, styles: char.styles };
              x += char.fullWidth ? 2 : 1;
            }
          }
          const present = cells.filter((cell) => cell !== undefined);
          return library.styledCharsToString(present as never);
        };
        expect(row(ours)).toBe(row(upstream));
      }),
      { numRuns: 10_000 },
    );
  });

  it('gives the same result for a string seen before (shared tokens change nothing)', () => {
    const text = '\x1b[1m\x1b[31mred bold\x1b[39m\x1b[22m plain \x1b[2mdim…\x1b[0m';
    const first = ours.styledCharsToString(ours.styledCharsFromTokens(ours.tokenize(text)));
    for (let i = 0; i < 3; i++) {
      expect(ours.styledCharsToString(ours.styledCharsFromTokens(ours.tokenize(text)))).toBe(first);
    }
    expect(first).toBe(upstream.styledCharsToString(upstream.styledCharsFromTokens(upstream.tokenize(text))));
  });

  it('covers what Ink imports: only ink depends on the package, and only on these three functions', () => {
    const dependents: string[] = [];
    const visit = (modules: string) => {
      for (const entry of readdirSync(modules, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
        const names = entry.name.startsWith('@')
          ? readdirSync(join(modules, entry.name)).map((name) => `${entry.name}/${name}`)
          : [entry.name];
        for (const name of names) {
          const dir = join(modules, name);
          let manifest: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
          try {
            manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
          } catch {
            continue;
          }
          const wanted = { ...manifest.dependencies, ...manifest.peerDependencies };
          if ('@alcalzone/ansi-tokenize' in wanted) dependents.push(name);
          try {
            visit(join(dir, 'node_modules'));
          } catch {
            // no nested node_modules
          }
        }
      }
    };
    visit(join(root, 'node_modules'));
    expect(dependents).toEqual(['ink']);

    const build = join(root, 'node_modules/ink/build');
    const imported = new Set<string>();
    for (const file of readdirSync(build).filter((name) => name.endsWith('.js'))) {
      const source = readFileSync(join(build, file), 'utf8');
      for (const match of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@alcalzone\/ansi-tokenize'/g)) {
        for (const name of match[1]!.split(',')) if (name.trim()) imported.add(name.trim());
      }
      expect(source).not.toMatch(/import\s*\*\s*as\s*\w+\s*from\s*'@alcalzone\/ansi-tokenize'/);
    }
    expect([...imported].sort()).toEqual(['styledCharsFromTokens', 'styledCharsToString', 'tokenize']);
    expect(Object.keys(ours).sort()).toEqual(['styledCharsFromTokens', 'styledCharsToString', 'tokenize']);
  });
});
