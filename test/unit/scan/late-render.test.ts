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
const render = fc.record({
  which: fc.nat(),
  line,
  millis: instant,
  pid: fc.integer({ min: -1, max: 2 ** 31 }),
});
const renders = fc.array(render, { maxLength: 30 });

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

/** The bytes of `lines` as a chunk's textBytes holds them. */
const textOf = (lines: readonly string[]): Buffer => Buffer.from(lines.join('\n'));

describe('the late renderer', () => {
  it("writes repeatJson's bytes, and refuses exactly what it cannot write the same", () => {
    let rendered = 0;
    fc.assert(
      fc.property(
        fc.array(template, { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.array(fc.record({ render: fc.option(render, { nil: undefined }), planned: fc.boolean() })),
          {
            maxLength: 4,
          },
        ),
        (parts, chunks) => {
          const late = new addon.LateRenderer();
          late.add(parts.map((p, i) => ({ key: i + 1, ...p, tail: Buffer.from(',"suggestions":[]}\n') })));
          for (const chunk of chunks) {
            const lines = chunk.map(({ render }) => render?.line ?? 'x');
            const plan: number[] = [];
            const wanted: (string | null)[] = [];
            chunk.forEach(({ render, planned }, index) => {
              if (render === undefined || !planned) return;
              const key = (render.which % parts.length) + 1;
              plan.push(key, index, render.millis, render.pid);
              const text = repeatJson(shown(parts[key - 1]!), render.line, render.millis, render.pid);
              wanted.push(renderable(render.line, render.millis) ? text : null);
            });
            const lengths = new Int32Array(wanted.length);
            const bytes = late.renderLines(textOf(lines), Float64Array.from(plan), lengths);
            expect([...lengths]).toEqual(
              wanted.map((text) => (text === null ? -1 : Buffer.byteLength(text))),
            );
            expect(bytes.equals(Buffer.from(wanted.filter((text) => text !== null).join('')))).toBe(true);
            rendered += wanted.filter((text) => text !== null).length;
          }
          const lengths = new Int32Array(1);
          late.renderLines(textOf(['x']), Float64Array.of(parts.length + 1, 0, 0, 1), lengths);
          expect(lengths[0]).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
    expect(rendered).toBeGreaterThan(400);
  });

  it('escapes quotes and backslashes at every offset around its 16-byte blocks', () => {
    const parts = { before: '{"a":', afterTime: ',"p":', pid: null, afterPid: ',"raw":' };
    const late = new addon.LateRenderer();
    late.add([{ key: 1, ...parts, tail: Buffer.from('}\n') }]);
    const lines: string[] = [];
    for (let length = 1; length <= 40; length++) {
      for (let at = 0; at < length; at++) {
        const chars = [...'abcdefghij'.repeat(4).slice(0, length)];
        chars[at] = '"';
        chars[length - 1 - at] = chars[length - 1 - at] === '"' ? '"' : '\\';
        lines.push(chars.join(''), '"\\'.repeat(length).slice(0, length));
      }
    }
    const plan = lines.flatMap((_, index) => [1, index, 1_763_805_601_123, 7]);
    const lengths = new Int32Array(lines.length);
    const bytes = late.renderLines(textOf(lines), Float64Array.from(plan), lengths);
    const wanted = lines.map((text) => repeatJson(shown(parts), text, 1_763_805_601_123, 7));
    expect(bytes.toString()).toBe(wanted.join(''));
  });

  it('finds lines planned out of text order, first and last lines, and empty ones', () => {
    const late = new addon.LateRenderer();
    const parts = { before: '{', afterTime: ',', pid: null, afterPid: ',' };
    late.add([{ key: 1, ...parts, tail: null }]);
    const lines = ['first', '', 'middle "q"', 'last'];
    const order = [3, 0, 0, 2, 1, 3];
    const plan = order.flatMap((index) => [1, index, 86_400_000, 7]);
    const lengths = new Int32Array(order.length);
    const bytes = late.renderLines(textOf(lines), Float64Array.from(plan), lengths);
    const want = order.map((index) => repeatJson(shown(parts), lines[index]!, 86_400_000, 7));
    expect(bytes.toString()).toBe(want.join(''));
    expect([...lengths]).toEqual(want.map((text) => text.length));
  });

  it('gives RepeatTemplates.lateHead the heads spliced in JavaScript', () => {
    fc.assert(
      fc.property(
        fc.array(template, { minLength: 1, maxLength: 5 }),
        renders,
        fc.option(fc.tuple(fc.nat(), fc.nat(), template)),
        fc.boolean(),
        (parts, lines, replace, withText) => {
          const native = new RepeatTemplates(new addon.LateRenderer());
          const spliced = new RepeatTemplates(null);
          parts.forEach((p, i) => {
            native.set(i + 1, shown(p));
            spliced.set(i + 1, shown(p));
          });
          // A key's template replaced half way: the lines before keep the old one.
          const heads = (templates: RepeatTemplates): RenderedHead[] => {
            const current = parts.map((p) => shown(p));
            return lines.map(({ which, line, millis, pid }, index) => {
              if (replace !== null && index === replace[0] % (lines.length + 1)) {
                const changed = replace[1] % parts.length;
                current[changed] = shown(replace[2]);
                templates.set(changed + 1, current[changed]);
              }
              const key = (which % parts.length) + 1;
              return templates.lateHead(key, current[key - 1]!, line, millis, pid, index);
            });
          };
          const got = heads(native);
          const want = heads(spliced);
          native.settleLate(withText ? textOf(lines.map(({ line }) => line)) : undefined);
          spliced.settleLate(undefined);
          got.forEach((item, i) => {
            const nativeWay = withText && renderable(lines[i]!.line, lines[i]!.millis);
            // Lines planned before their key's template changed are spliced instead.
            if (replace === null) expect(item.late).toBe(nativeWay);
            else if (item.late) expect(nativeWay).toBe(true);
            expect(Buffer.from(item.head).equals(Buffer.from(want[i]!.head as string))).toBe(true);
          });
        },
      ),
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
    expect(() => late.renderLines('x' as never, new Float64Array(0), new Int32Array(0))).toThrow(
      'LateRenderer: renderLines(text, plan, lengths): wrong arguments',
    );
    expect(() => late.renderLines(Buffer.from('a'), Float64Array.of(1, 0, 0), new Int32Array(1))).toThrow(
      'LateRenderer: renderLines needs four plan numbers and one length a line',
    );
    expect(() => late.renderLines(Buffer.from('a'), Float64Array.of(1, 1, 0, 0), new Int32Array(1))).toThrow(
      "LateRenderer: a plan's line is beyond the text",
    );
    expect(() =>
      late.renderLines(Buffer.from('a'), Float64Array.of(1, 0.5, 0, 0), new Int32Array(1)),
    ).toThrow("LateRenderer: a plan's line index must be a whole number");
    expect(late.renderLines(Buffer.alloc(0), new Float64Array(0), new Int32Array(0)).length).toBe(0);
  });
});
