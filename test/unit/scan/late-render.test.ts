// The late renderer (native/scan/late-render.cc) writes the repeats whose templates reached the
// scanner too late: its bytes must be repeatJson's (src/scan/repeat-lane.ts) for every template,
// line, instant and pid, and it must leave to JavaScript what it cannot write the same.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScanAddon } from '../../../src/scan/native-scan.js';
import {
  RenderedHead,
  RepeatTemplates,
  repeatJson,
  type ShownTemplate,
} from '../../../src/scan/repeat-lane.js';
import { auditLine } from '../../support/audit-lines.js';
import { builtScanAddon } from '../../support/scan-addon.js';

let addon: ScanAddon;
beforeAll(() => {
  addon = builtScanAddon();
}, 120_000);

const YEAR_10000 = 253_402_300_800_000;
/** The epoch, leap days, century years, the last millisecond before year 10000 and beyond it. */
const EDGES = [
  0,
  1,
  999,
  59_999,
  86_399_999,
  86_400_000,
  951_782_400_000,
  951_868_799_999,
  4_107_542_399_999,
  4_107_542_400_000,
  YEAR_10000 - 1,
  YEAR_10000,
  YEAR_10000 + 1,
  8.64e15,
  -1,
  0.5,
  1_763_805_601_123,
];
const instant = fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: 0, max: YEAR_10000 - 1 }));
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
/** Audit lines and printable ASCII, sometimes with a control character or one beyond ASCII. */
const line = fc.oneof(
  { weight: 2, arbitrary: auditLine },
  { weight: 2, arbitrary: printable },
  {
    weight: 1,
    arbitrary: fc
      .tuple(printable, fc.constantFrom('\t', '\u007f', 'é', '\u2028', '😀', '\u0000'), printable)
      .map((p) => p.join('')),
  },
);
const template = fc.record({
  before: fc.string({ unit: 'binary' }),
  afterTime: fc.string(),
  pid: fc.option(fc.constantFrom('null', '42', '"x"')),
  afterPid: fc.string(),
});
const renders = fc.array(
  fc.record({ which: fc.nat(), line, millis: instant, pid: fc.integer({ min: -1, max: 2 ** 31 }) }),
  { maxLength: 30 },
);

function shown(parts: {
  before: string;
  afterTime: string;
  pid: string | null;
  afterPid: string;
}): ShownTemplate {
  return { shown: true, slot: {}, ...parts };
}

const renderable = (text: string, millis: number): boolean =>
  /^[\x20-\x7e]*$/.test(text) && Number.isInteger(millis) && millis >= 0 && millis < YEAR_10000;

describe('the late renderer', () => {
  it("writes repeatJson's bytes, and refuses exactly what it cannot write the same", () => {
    let rendered = 0;
    fc.assert(
      fc.property(
        fc.array(template, { minLength: 1, maxLength: 5 }),
        fc.array(renders, { maxLength: 4 }),
        (parts, chunks) => {
          const late = new addon.LateRenderer();
          late.add(parts.map((p, i) => ({ key: i + 1, ...p, tail: Buffer.from(',"suggestions":[]}\n') })));
          for (const chunk of chunks) {
            let expected = '';
            for (const { which, line, millis, pid } of chunk) {
              const key = (which % parts.length) + 1;
              const length = late.render(key, line, millis, pid);
              expect(length >= 0).toBe(renderable(line, millis));
              if (length < 0) continue;
              const text = repeatJson(shown(parts[key - 1]!), line, millis, pid);
              expect(length).toBe(Buffer.byteLength(text));
              expected += text;
              rendered++;
            }
            expect(late.take().equals(Buffer.from(expected))).toBe(true);
          }
          expect(late.render(parts.length + 1, 'x', 0, 1)).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
    expect(rendered).toBeGreaterThan(1000);
  });

  it('gives RepeatTemplates.lateHead the heads spliced in JavaScript', () => {
    fc.assert(
      fc.property(fc.array(template, { minLength: 1, maxLength: 5 }), renders, (parts, lines) => {
        const native = new RepeatTemplates(new addon.LateRenderer());
        const spliced = new RepeatTemplates(null);
        parts.forEach((p, i) => {
          native.set(i + 1, shown(p));
          spliced.set(i + 1, shown(p));
        });
        const heads = (templates: RepeatTemplates): RenderedHead[] =>
          lines.map(({ which, line, millis, pid }) => {
            const key = (which % parts.length) + 1;
            return templates.lateHead(key, shown(parts[key - 1]!), line, millis, pid);
          });
        const got = heads(native);
        const want = heads(spliced);
        native.settleLate();
        got.forEach((item, i) => {
          expect(item.late).toBe(renderable(lines[i]!.line, lines[i]!.millis));
          expect(Buffer.from(item.head).equals(Buffer.from(want[i]!.head as string))).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses arguments it cannot use with a clear error', () => {
    const late = new addon.LateRenderer();
    expect(() => late.add('x' as never)).toThrow('LateRenderer: templates must be an array');
    expect(() => late.add([{ key: 0 }] as never)).toThrow(
      "LateRenderer: a template's key must be a key number",
    );
    expect(() =>
      late.add([{ key: 1, before: 'a', afterTime: 2, pid: null, afterPid: '', tail: null }] as never),
    ).toThrow('LateRenderer: template afterTime must be a string');
    expect(() => late.render(1, 2 as never, 0, 0)).toThrow(
      'LateRenderer: render(key, line, millis, pid): wrong arguments',
    );
    expect(late.take().length).toBe(0);
  });
});
