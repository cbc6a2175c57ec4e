import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineArena } from '../../../src/ui/line-arena.js';
import { packLine, unpackLine } from '../../../src/ui/line-packing.js';

/** Pieces of audit records (packed words, parts of them, look-alikes) and any other text. */
const piece = fc.oneof(
  fc.constantFrom(
    'audit: type=1400 audit(',
    'audit: type=1400 audit',
    'audit: type=1326 audit(1.2:3): ',
    ' pid=',
    ' pid',
    ' pi',
    ' comm="',
    ' requested_mask="',
    ' requested="',
    ' requested_mas',
    '"snap.',
    '/snap/',
    ' kernel: ',
    'apparmor="DENIED"',
    'apparmor="DENIE',
    ' ',
    '"',
    '=',
  ),
  fc.string({ maxLength: 12 }),
);
const line = fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join(''));

function roundTrip(text: string): { readonly packed: number; readonly back: string } {
  const bytes = Buffer.from(text, 'utf8');
  const packed = Buffer.alloc(bytes.length + 8);
  const length = packLine(bytes, bytes.length, packed);
  const unpacked = Buffer.alloc(bytes.length * 2 + 8);
  const back = unpacked.toString('utf8', 0, unpackLine(packed, 0, length, unpacked));
  return { packed: length, back };
}

describe('line packing', () => {
  it('unpacks to the same text, never longer packed, for any well-formed line of audit words and others', () => {
    fc.assert(
      fc.property(line, (text) => {
        const { packed, back } = roundTrip(text);
        expect(back).toBe(text);
        expect(packed).toBeLessThanOrEqual(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 400 },
    );
  });

  it('packs the audit header and field names of a record to two bytes each', () => {
    const header = 'Mar 13 12:37:16 host kernel: [ 1.5] audit: type=1400 audit(1773415036.123:42): ';
    const { packed, back } = roundTrip(header);
    expect(back).toBe(header);
    // " kernel: " (9 bytes) and "audit: type=1400 audit(" (23) become 2 bytes each.
    expect(packed).toBe(Buffer.byteLength(header) - 7 - 21);
  });

  it('keeps lines in the arena with their heads packed: raw and log read back as put', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ head: line, log: line, tail: fc.boolean() }), { maxLength: 40 }),
        (puts) => {
          const arena = new LineArena();
          puts.forEach(({ head, log, tail }, slot) => arena.put(slot % 7, tail ? head + log : head, log));
          const last = new Map(puts.map((put, slot) => [slot % 7, put]));
          for (const [slot, { head, log, tail }] of last) {
            expect(arena.raw(slot)).toBe(tail ? head + log : head);
            expect(arena.log(slot)).toBe(log);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
