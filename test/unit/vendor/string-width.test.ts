// vendor/string-width remembers string-width 8.3.0's answers for Ink (package.json overrides
// string-width@^8): every width must equal upstream's (installed as string-width-upstream), the
// first time and when remembered, and wrap-ansi must keep its own string-width 7.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import ours from 'string-width';
import upstream from 'string-width-upstream';
import { describe, expect, it } from 'vitest';
import { styledString } from './terminal-text.js';

const root = resolve(import.meta.dirname, '../../..');

/** Where Node finds `name` from inside package `from` (beside it first, then at the top level). */
function resolvedFrom(from: string, name: string): string | undefined {
  const found = [
    join(root, 'node_modules', from, 'node_modules', name),
    join(root, 'node_modules', name),
  ].find((candidate) => existsSync(candidate));
  return found && realpathSync(found);
}

describe('vendor/string-width against string-width 8.3.0', () => {
  it('is what ink, widest-line and cli-truncate get; wrap-ansi keeps string-width 7', () => {
    for (const dependent of ['ink', 'widest-line', 'cli-truncate']) {
      expect(resolvedFrom(dependent, 'string-width')).toBe(join(root, 'vendor/string-width'));
    }
    const wrapAnsis = resolvedFrom('wrap-ansi', 'string-width');
    expect(JSON.parse(readFileSync(join(wrapAnsis!, 'package.json'), 'utf8')).version).toMatch(/^7\./);
    const upstreamPath = realpathSync(join(root, 'node_modules/string-width-upstream'));
    expect(JSON.parse(readFileSync(join(upstreamPath, 'package.json'), 'utf8')).version).toBe('8.3.0');
  });

  it('measures every string as upstream does, first and when remembered', () => {
    fc.assert(
      fc.property(styledString, (text) => {
        const expected = upstream(text);
        expect(ours(text)).toBe(expected);
        expect(ours(text)).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
  });

  it('passes options through unremembered', () => {
    fc.assert(
      fc.property(
        styledString,
        fc.boolean(),
        fc.boolean(),
        (text, ambiguousIsNarrow, countAnsiEscapeCodes) => {
          const options = { ambiguousIsNarrow, countAnsiEscapeCodes };
          expect(ours(text)).toBe(upstream(text));
          expect(ours(text, options)).toBe(upstream(text, options));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('stays right past its bound (many distinct lines, then the first ones again)', () => {
    const lines = Array.from(
      { length: 10_000 },
      (_, i) => `${i % 7 ? '▃█' : '中'} row ${i} \x1b[31m…\x1b[39m`,
    );
    for (const line of lines) expect(ours(line)).toBe(upstream(line));
    for (const line of lines.slice(0, 100)) expect(ours(line)).toBe(upstream(line));
    expect(ours('')).toBe(0);
    expect(ours(undefined as unknown as string)).toBe(upstream(undefined as unknown as string));
  });
});
