import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineArena } from '../../../src/ui/line-arena.js';
import { ownCopy } from '../../../src/ui/own-copy.js';

describe('LineArena', () => {
  it('reads back every slot as last put, whatever the text (any UTF-16, lone surrogates too)', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.string({ maxLength: 200 }));
    const put = fc.record({ slot: fc.nat(40), raw: text, log: fc.option(text, { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(put, { maxLength: 60 }), (puts) => {
        const arena = new LineArena();
        const model = new Map<number, { raw: string; log: string }>();
        for (const { slot, raw, log } of puts) {
          // Usually the log is the raw line's tail (a prefix stripped); sometimes it is not.
          const kept = { raw, log: log ?? raw.slice(Math.floor(raw.length / 3)) };
          arena.put(slot, kept.raw, kept.log);
          model.set(slot, kept);
        }
        for (const [slot, { raw, log }] of model) {
          expect(arena.raw(slot)).toBe(raw);
          expect(arena.log(slot)).toBe(log);
        }
      }),
      { numRuns: 80 },
    );
  }, 60_000);

  it('keeps a line with an unpaired surrogate as it is, and a later well-formed line in the buffer', () => {
    const arena = new LineArena();
    arena.put(0, 'comm="a\ud800b" pid=1', 'pid=1');
    expect(arena.raw(0)).toBe('comm="a\ud800b" pid=1');
    expect(arena.log(0)).toBe('pid=1');
    arena.put(0, 'comm="😀" pid=2', 'comm="😀"');
    expect(arena.raw(0)).toBe('comm="😀" pid=2');
    expect(arena.log(0)).toBe('comm="😀"');
  });

  it('keeps every line while groups outgrow their slots and abandoned slots are compacted away', () => {
    const arena = new LineArena();
    const latest: string[] = [];
    for (let round = 0; round < 8; round++) {
      for (let slot = 0; slot < 12_000; slot++) {
        // Each round's line is 24 bytes longer than the slot's slack: every put moves the slot.
        const name = `${'é'.repeat(slot % 5)}${'y'.repeat(round * 24)}`;
        const line = `audit: type=1400 audit(1.${round}:${slot}): name="/x/${name}" pid=${slot}`;
        arena.put(slot, line, line.slice(7));
        latest[slot] = line;
      }
    }
    latest.forEach((line, slot) => {
      expect(arena.raw(slot)).toBe(line);
      expect(arena.log(slot)).toBe(line.slice(7));
    });
    const { used, allocated } = arena.footprint;
    // Some 11 MB were abandoned on the way; what is left is the live lines and at most 4 MiB more.
    expect(allocated).toBeLessThanOrEqual(used + 6 * 2 ** 20);
  });

  it('keeps a line too long for a chunk as a string, and the next short one in a chunk again', () => {
    const arena = new LineArena();
    const long = `msg="${'x'.repeat(200_000)}"`;
    arena.put(3, long, long);
    arena.put(4, 'short line', 'line');
    expect(arena.raw(3)).toBe(long);
    expect(arena.log(4)).toBe('line');
    arena.put(3, 'now short', 'short');
    expect(arena.raw(3)).toBe('now short');
    expect(arena.log(3)).toBe('short');
    expect(arena.raw(4)).toBe('short line');
  });

  it('keeps an empty line', () => {
    const arena = new LineArena();
    arena.put(0, '', '');
    expect(arena.raw(0)).toBe('');
    expect(arena.log(0)).toBe('');
  });
});

describe('ownCopy', () => {
  it('is the same text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.nat(20), (text, cut) => {
        const slice = text.slice(Math.min(cut, text.length));
        expect(ownCopy(slice)).toBe(slice);
        expect(ownCopy(`${text}:${slice}`)).toBe(`${text}:${slice}`);
      }),
    );
    expect(ownCopy('__proto__ of a long enough text'.slice(0, 9))).toBe('__proto__');
    expect(ownCopy('12345678901234567890')).toBe('12345678901234567890');
  });
});
