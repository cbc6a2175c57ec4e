// Property tests of the prefix stripper: any text, and real records behind generated prefixes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripPrefix, type Prefix } from '../../../src/parse/index.js';
import { mutate, Rng, seedLines } from '../../support/mutate.mjs';

const SEEDS = seedLines();
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NOW = new Date('2026-11-22T12:00:00Z');

function checkPrefix(line: string, prefix: Prefix): void {
  if (typeof prefix.message !== 'string') throw new Error('no message');
  if (!line.startsWith('{') && !line.includes(prefix.message))
    throw new Error('message is not part of the line');
  if (
    prefix.time !== undefined &&
    /Z$/.test(prefix.time) &&
    new Date(prefix.time).toISOString() !== prefix.time
  )
    throw new Error(`time ${prefix.time} is not ISO 8601`);
  if (prefix.monotonic !== undefined && !Number.isFinite(prefix.monotonic))
    throw new Error('monotonic not finite');
  if (prefix.repeat !== undefined && !(Number.isSafeInteger(prefix.repeat) && prefix.repeat >= 0))
    throw new Error('repeat not a count');
  if (prefix.pid !== undefined && !Number.isSafeInteger(prefix.pid)) throw new Error('pid not an integer');
}

const two = (n: number) => String(n).padStart(2, '0');

describe('stripPrefix (fuzz)', { timeout: 30_000 }, () => {
  it('never throws on arbitrary bytes; the message is part of the line', () => {
    const text = fc
      .tuple(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom('', '[', 'Nov 22 ', '5,1,2,-;', '2026-11-22T', '{"MESSAGE":'),
      )
      .map(([bytes, head]) => head + Buffer.from(bytes).toString('utf8'));
    fc.assert(
      fc.property(text, fc.boolean(), (line, withNow) =>
        checkPrefix(line, stripPrefix(line, withNow ? NOW : undefined)),
      ),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutated real lines', () => {
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.integer(), (index, seed) => {
        const line = mutate(SEEDS[index]!, new Rng(seed));
        checkPrefix(line, stripPrefix(line, NOW));
      }),
      { numRuns: 3000 },
    );
  });

  const messages = SEEDS.map((line) => stripPrefix(line).message).filter(
    (m) => m.length > 0 && stripPrefix(m).message === m && !m.startsWith('{'),
  );

  it('a generated syslog stamp and tag come off exactly; the time is the one written', () => {
    fc.assert(
      fc.property(
        fc.record({
          month: fc.nat(11),
          day: fc.integer({ min: 1, max: 28 }),
          hour: fc.nat(23),
          minute: fc.nat(59),
          second: fc.nat(59),
          host: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
          tag: fc.constantFrom('kernel', 'audit', 'dbus-daemon', 'snappy-debug'),
          pid: fc.option(fc.nat(4_000_000), { nil: undefined }),
        }),
        fc.constantFrom(...messages),
        (t, message) => {
          const day = t.day < 10 ? ` ${t.day}` : String(t.day);
          const stamp = `${MONTHS[t.month]} ${day} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
          const tag = t.pid === undefined ? t.tag : `${t.tag}[${t.pid}]`;
          const prefix = stripPrefix(`${stamp} ${t.host} ${tag}: ${message}`);
          expect(prefix).toMatchObject({ timeText: stamp, host: t.host, tag: t.tag, message });
          if (t.pid !== undefined) expect(prefix.pid).toBe(t.pid);
        },
      ),
      { numRuns: 800 },
    );
  });

  it('a generated RFC 3339 stamp gives its own instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1971-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('Z', '+00:00', '+05:30', '-08:00'),
        fc.constantFrom(...messages),
        (date, offset, message) => {
          const minutes =
            offset === 'Z'
              ? 0
              : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4)));
          const local = new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 23);
          const prefix = stripPrefix(`${local}${offset} host kernel: ${message}`);
          expect(prefix.message).toBe(message);
          expect(prefix.time).toBe(date.toISOString());
        },
      ),
      { numRuns: 800 },
    );
  });

  it('dmesg and /dev/kmsg stamps come off exactly with their monotonic time', () => {
    fc.assert(
      fc.property(
        fc.nat(9_999_999),
        fc.nat(999_999),
        fc.constantFrom(...messages),
        (seconds, micros, message) => {
          const dmesg = stripPrefix(
            `[${String(seconds).padStart(5)}.${String(micros).padStart(6, '0')}] ${message}`,
          );
          expect(dmesg.message).toBe(message);
          expect(dmesg.monotonic).toBeCloseTo(seconds + micros / 1e6, 5);
          const kmsg = stripPrefix(`6,${micros},${seconds}${String(micros).padStart(6, '0')},-;${message}`);
          expect(kmsg.message).toBe(message);
          expect(kmsg.monotonic).toBeCloseTo(seconds + micros / 1e6, 5);
        },
      ),
      { numRuns: 800 },
    );
  });
});
