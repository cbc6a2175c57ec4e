// Bad input never throws and never hangs: binary garbage, a 1 MiB line, records cut at every
// position, invalid UTF-8. Each gives 'other', 'unparsed' or (for a cut that still holds a
// complete record) a denial — never an exception.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parseLine, type ParseResult } from '../../../src/parse/index.js';

const ENTRIES = parse(
  readFileSync(new URL('../../fixtures/lines/real-world.yaml', import.meta.url), 'utf8'),
) as {
  readonly id: string;
  readonly line: string;
}[];

const KINDS = ['denial', 'other', 'unparsed'];

function expectWellFormed(result: ParseResult): void {
  expect(KINDS).toContain(result.kind);
  if (result.kind === 'unparsed') {
    expect(result.reason.length).toBeGreaterThan(0);
    expect(result.reason).not.toContain('\n');
    expect(result.reason).not.toMatch(/parser failure/);
  }
}

/** A deterministic byte stream (xorshift), so a failure can be replayed. */
function pseudoRandomBytes(count: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

describe('bad input', () => {
  test('every real-world line cut at every position', () => {
    let cuts = 0;
    for (const { line } of ENTRIES) {
      for (let end = 0; end <= line.length; end++) {
        expectWellFormed(parseLine(line.slice(0, end)));
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThan(5000);
  });

  test('a record cut inside a quoted value is unparsed, not a denial with a short path', () => {
    const line = ENTRIES.find((e) => e.id === 'htop-journald-short-file')!.line;
    const cut = line.slice(0, line.indexOf('/zswap'));
    expect(parseLine(cut)).toEqual({ kind: 'unparsed', reason: 'unterminated quote in name=' });
  });

  test('a record cut right after apparmor="DENIED" is unparsed (no operation)', () => {
    const line = 'audit: type=1400 audit(1.2:3): apparmor="DENIED"';
    expect(parseLine(line)).toEqual({ kind: 'unparsed', reason: 'AppArmor record without operation=' });
  });

  test('a malformed audit stamp is unparsed', () => {
    expect(parseLine('type=AVC msg=audit(12x.1:2): apparmor="DENIED" operation="open"')).toEqual({
      kind: 'unparsed',
      reason: 'malformed audit(SECONDS.MILLIS:SERIAL) stamp',
    });
  });

  test('binary garbage', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const text = Buffer.from(pseudoRandomBytes(512, seed)).toString('latin1');
      expectWellFormed(parseLine(text));
      // The same garbage after a real record prefix, so the tokenizer sees it.
      expectWellFormed(parseLine(`audit: type=1400 audit(1.2:3): apparmor="DENIED" ${text}`));
      expectWellFormed(parseLine(`audit: type=1326 audit(1.2:3): ${text}`));
    }
  });

  test('invalid UTF-8 decoded with replacement characters', () => {
    const bytes = Buffer.concat([
      Buffer.from(
        'Mar 13 15:17:16 h kernel: audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" name="/tmp/',
      ),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
      Buffer.from('" pid=1 profile="snap.a.b"'),
    ]);
    const result = parseLine(bytes.toString('utf8'));
    expect(result.kind).toBe('denial');
    if (result.kind === 'denial') expect(result.denial.path).toBe('/tmp/\ufffd(\ufffd\ufffd');
  });

  test('hex values that are not UTF-8 make the record unparsed', () => {
    const result = parseLine(
      'type=AVC msg=audit(1.2:3): apparmor="DENIED" operation="open" name=C328FF pid=1',
    );
    expect(result).toEqual({ kind: 'unparsed', reason: 'name= holds hex that is not a UTF-8 string' });
  });

  test('a 1 MiB line, with and without a record, in bounded time', () => {
    const filler = 'x'.repeat(1024 * 1024);
    const started = performance.now();
    expect(parseLine(filler)).toEqual({ kind: 'other' });
    expect(parseLine(`${filler} apparmor=`).kind).not.toBe('denial');
    const big = parseLine(
      `audit: type=1400 audit(1.2:3): apparmor="DENIED" operation="open" profile="snap.a.b" name="/${filler}"`,
    );
    expect(big.kind).toBe('denial');
    if (big.kind === 'denial') expect(big.denial.path?.length).toBe(filler.length + 1);
    const quotes = parseLine(`audit: type=1400 audit(1.2:3): apparmor="DENIED" ${'a="'.repeat(300_000)}`);
    expect(quotes.kind).toBe('unparsed');
    const spaces = parseLine(`apparmor="DENIED" ${' '.repeat(1024 * 1024)}operation="open"`);
    expect(spaces.kind).toBe('denial');
    // Generous bound: these are linear scans; a backtracking regex would take minutes.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test('empty and whitespace lines', () => {
    expect(parseLine('')).toEqual({ kind: 'other' });
    expect(parseLine('   ')).toEqual({ kind: 'other' });
  });

  test('lines that mention apparmor= but are not records', () => {
    for (const line of [
      'Nov 22 10:00:00 host kernel: Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 apparmor=1 security=apparmor',
      '[    0.000000] Kernel command line: apparmor=0',
      'Nov 22 10:00:00 host kernel: audit: type=1400 audit(1.2:3): apparmor="STATUS" operation="profile_load" profile="unconfined" name="snap.a.b" pid=1 comm="apparmor_parser"',
      'Nov 22 10:00:00 host kernel: SECCOMP is enabled',
    ]) {
      expect(parseLine(line), line).toEqual({ kind: 'other' });
    }
  });

  test('the other result is one shared frozen object', () => {
    const a = parseLine('hello');
    expect(a).toBe(parseLine('world'));
    expect(Object.isFrozen(a)).toBe(true);
  });
});
