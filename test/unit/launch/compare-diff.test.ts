import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differs, lineDiff, splitLines } from '../../../src/launch/compare-diff.js';

const render = (a: string, b: string): string[] => lineDiff(a, b).map((l) => `${l.op}${l.text}`);

describe('splitLines', () => {
  it('drops only the empty piece after a final newline', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('a\n')).toEqual(['a']);
    expect(splitLines('a\n\nb')).toEqual(['a', '', 'b']);
  });
});

describe('lineDiff', () => {
  it('marks strict-only lines with - and devmode-only lines with +, common ones with a space', () => {
    expect(render('stdin: x\nioprio errno=EPERM\ndone\n', 'stdin: x\nioprio ok\ndone\n')).toEqual([
      ' stdin: x',
      '-ioprio errno=EPERM',
      '+ioprio ok',
      ' done',
    ]);
  });

  it('keeps the longest common run in the middle', () => {
    expect(render('a\nb\nc\nd\n', 'a\nx\nc\ny\n')).toEqual([' a', '-b', '+x', ' c', '-d', '+y']);
    expect(render('a\nb\n', 'b\na\n')).toEqual(['-a', ' b', '+a']);
  });

  it('handles an empty side', () => {
    expect(render('', 'a\nb\n')).toEqual(['+a', '+b']);
    expect(render('a\n', '')).toEqual(['-a']);
    expect(differs(lineDiff('a\n', 'a\n'))).toBe(false);
    expect(differs(lineDiff('a\n', 'a\nb\n'))).toBe(true);
  });

  it('shows a middle too large for the table as removed then added', () => {
    const strict = Array.from({ length: 3000 }, (_, i) => `s${i}`).join('\n');
    const devmode = Array.from({ length: 3000 }, (_, i) => `d${i}`).join('\n');
    const diff = lineDiff(`head\n${strict}\ntail\n`, `head\n${devmode}\ntail\n`);
    expect(diff).toHaveLength(6002);
    expect(diff[0]).toEqual({ op: ' ', text: 'head' });
    expect(diff[1]).toEqual({ op: '-', text: 's0' });
    expect(diff[3001]).toEqual({ op: '+', text: 'd0' });
    expect(diff[6001]).toEqual({ op: ' ', text: 'tail' });
  });

  it('gives back both sides exactly (property)', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', ''), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = lineDiff(a.map((l) => `${l}\n`).join(''), b.map((l) => `${l}\n`).join(''));
        expect(diff.filter((l) => l.op !== '+').map((l) => l.text)).toEqual(a);
        expect(diff.filter((l) => l.op !== '-').map((l) => l.text)).toEqual(b);
      }),
    );
  });
});
