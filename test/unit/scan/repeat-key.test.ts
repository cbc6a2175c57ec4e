// The native scan keys kernel audit lines itself (native/scan/repeat-key.cc) so that repeats can
// skip the parser: its keys must be the line cache's (src/parse/line-cache.ts), line for line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DENIAL_MARKERS } from '../../../src/parse/index.js';
import { lineKeyOf } from '../../../src/parse/line-cache.js';
import type { ScanAddon } from '../../../src/scan/native-scan.js';
import { FACTS_PER_LINE } from '../../../src/scan/repeat-lane.js';
import { scanCandidatesNative } from '../../../src/sources/candidate-scan.js';
import { auditLine, relogged } from '../../support/audit-lines.js';
import { builtScanAddon } from '../../support/scan-addon.js';

const dir = mkdtempSync(join(tmpdir(), 'repeat-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let addon: ScanAddon;
beforeAll(() => {
  addon = builtScanAddon();
}, 120_000);

interface Keyed {
  readonly line: string;
  readonly key: number;
  readonly seen: number;
  readonly millis: number;
  readonly pid: number;
}

async function nativeKeys(lines: readonly string[], chunkBytes: number): Promise<Keyed[]> {
  const path = join(dir, 'lines.log');
  writeFileSync(path, `${lines.join('\n')}\n`);
  const keyed: Keyed[] = [];
  for await (const batch of scanCandidatesNative(addon, path, DENIAL_MARKERS, undefined, chunkBytes, {
    keyed: true,
  })) {
    const facts = batch.facts!;
    expect(facts.length).toBe(batch.lines.length * FACTS_PER_LINE);
    batch.lines.forEach((line, i) => {
      const at = i * FACTS_PER_LINE;
      keyed.push({
        line,
        key: facts[at]!,
        seen: facts[at + 1]!,
        millis: facts[at + 2]!,
        pid: facts[at + 3]!,
      });
    });
  }
  return keyed;
}

const printableAscii = (line: string): boolean => /^[\x20-\x7e]*$/.test(line);

function expectSameKeys(keyed: readonly Keyed[]): void {
  const byNative = new Map<number, string>();
  const byJs = new Map<string, number>();
  for (const { line, key, seen, millis, pid } of keyed) {
    const js = lineKeyOf(line, 'file');
    if (key === 0) {
      // Refused natively: not of the form at all, or holding a byte the native side leaves alone.
      if (js !== undefined) expect(printableAscii(line)).toBe(false);
      continue;
    }
    expect(js).toBeDefined();
    expect(js!.basis.millis).toBe(millis);
    expect(js!.basis.pid ?? -1).toBe(pid);
    const known = byNative.get(key);
    expect(seen).toBe(known === undefined ? 0 : 1);
    if (known !== undefined) expect(js!.key).toBe(known);
    else byNative.set(key, js!.key);
    const number = byJs.get(js!.key);
    if (number !== undefined) expect(key).toBe(number);
    else byJs.set(js!.key, key);
  }
}

describe('native repeat keys', () => {
  it('are the line cache keys, with its instants and pids (generated lines and their repeats)', async () => {
    let keyedLines = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(auditLine, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 80 }),
        fc.constantFrom(256, 4096, 1 << 20),
        async (originals, picks, chunkBytes) => {
          const lines = [
            ...originals,
            ...picks.map(([which, seed]) => relogged(originals[which % originals.length]!, seed)),
          ];
          const keyed = await nativeKeys(lines, chunkBytes);
          keyedLines += keyed.filter((k) => k.key !== 0).length;
          expectSameKeys(keyed);
        },
      ),
      { numRuns: 150 },
    );
    // The generator must reach the keyed form often, or the property says little.
    expect(keyedLines).toBeGreaterThan(400);
  }, 60_000);

  it('leave a line holding any byte outside printable ASCII, wherever it is, to the parser', async () => {
    const base =
      'Nov 22 10:02:30 devbox kernel: [ 12.5] audit: type=1400 audit(1763805750.150:4001): apparmor="DENIED" operation="open" profile="snap.a.b" name="/x" pid=12 comm="c"';
    const lines = [base];
    for (let at = 0; at < base.length; at++) {
      for (const odd of ['\x1f', '\x7f', '\t', 'é', '\0'])
        lines.push(`${base.slice(0, at)}${odd}${base.slice(at)}`);
    }
    const keyed = await nativeKeys(lines, 1 << 20);
    expect(keyed).toHaveLength(lines.length);
    expect(keyed[0]!.key).not.toBe(0);
    expect(keyed.slice(1).filter((k) => k.key !== 0)).toEqual([]);
  });

  it('tell apart lines that differ in a member the key keeps, not those differing in what it masks', async () => {
    const base =
      'Nov 22 10:02:30 devbox kernel: [ 12.5] audit: type=1400 audit(1763805750.150:4001): apparmor="DENIED" operation="open" profile="snap.a.b" name="/x" pid=12 comm="c"';
    const lines = [
      base,
      base.replace('pid=12', 'pid=99').replace('1763805750.150:4001', '1763805999.001:9'),
      base.replace('[ 12.5]', '[   99.000001]').replace('10:02:30', '11:00:00'),
      base.replace('name="/x"', 'name="/y"'),
      base.replace('devbox', 'devbox2'),
      base.replace('Nov 22', 'Dec 22'),
      base.replace('[ 12.5] ', ''),
      base.replace('type=1400', 'type=1107'),
      base.replace('pid=12', 'pid=12 ppid=1'),
      base.replace('"/x"', '"/x\\"'),
    ];
    const keyed = await nativeKeys(lines, 1 << 20);
    expectSameKeys(keyed);
    expect(keyed.map((k) => k.seen)).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(new Set(keyed.map((k) => k.key)).size).toBe(8);
  });
});
