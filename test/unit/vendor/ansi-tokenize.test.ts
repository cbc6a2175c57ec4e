// vendor/ansi-tokenize stands in for @alcalzone/ansi-tokenize under Ink (package.json overrides):
// every result must equal upstream's (installed as ansi-tokenize-upstream) on random terminal text.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as upstream from 'ansi-tokenize-upstream';
import * as ours from '@alcalzone/ansi-tokenize';
import fc from 'fast-check';
import { styledString } from './terminal-text.js';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

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
