// RepeatTemplates (src/scan/repeat-lane.ts) keeps a template per native key number: no template
// yet (null), lines parsed in full (undefined), filtered out, or shown; at most 8192 keys, and a
// key once kept can still change. Held against a Map doing the same, over random operations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FILTERED_OUT,
  RepeatTemplates,
  type RepeatTemplate,
  type ShownTemplate,
} from '../../../src/scan/repeat-lane.js';

const KEPT = 8192;

const shown = (n: number): ShownTemplate => ({
  shown: true,
  slot: {},
  before: `{"n":${n},"time":`,
  afterTime: ',"pid":',
  pid: null,
  afterPid: ',"raw":',
});

/** The reference: what get() and set() mean, with a Map. */
class MapTemplates {
  private readonly templates = new Map<number, RepeatTemplate>();
  get(key: number): RepeatTemplate | null {
    return this.templates.has(key) ? this.templates.get(key) : null;
  }
  set(key: number, template: RepeatTemplate): void {
    if (this.templates.size >= KEPT && !this.templates.has(key)) return;
    this.templates.set(key, template);
  }
}

const kinds = (n: number): RepeatTemplate[] => [undefined, FILTERED_OUT, shown(n)];

describe('RepeatTemplates', () => {
  it('tells a key without a template from one parsed in full, filtered out or shown', () => {
    const templates = new RepeatTemplates(null);
    expect(templates.get(1)).toBeNull();
    templates.set(1, undefined);
    expect(templates.get(1)).toBeUndefined();
    templates.set(2, FILTERED_OUT);
    expect(templates.get(2)).toBe(FILTERED_OUT);
    const template = shown(3);
    templates.set(3, template);
    expect(templates.get(3)).toBe(template);
    templates.set(1, template);
    expect(templates.get(1)).toBe(template);
    expect(templates.get(4)).toBeNull();
  });

  it('answers as a map would over random keys and templates, its bound included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 12_000 }), fc.integer({ min: 0, max: 2 })), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.integer({ min: 0, max: KEPT + 50 }),
        (operations, prefill) => {
          const templates = new RepeatTemplates(null);
          const reference = new MapTemplates();
          // Fill close to the bound first (keys beyond the operations' range).
          for (let key = 20_001; key < 20_001 + prefill; key++) {
            templates.set(key, undefined);
            reference.set(key, undefined);
          }
          for (const [key, kind] of operations) {
            const template = kinds(key)[kind];
            templates.set(key, template);
            reference.set(key, template);
            expect(templates.get(key)).toBe(reference.get(key));
          }
          for (const [key] of operations) expect(templates.get(key)).toBe(reference.get(key));
          expect(templates.get(12_001)).toBeNull();
        },
      ),
      { numRuns: 60 },
    );
  });
});
