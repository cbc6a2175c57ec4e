// The line cache learns a key only when its first denial comes back exactly from its own line's
// parts. It tells so member by member (reproduces); the reference makes the copy and compares the
// whole record (reproducesByCopy). Both must agree on real and mutated records in kernel
// envelopes, and on denials altered where the quick check looks (stamps, texts, member order).
import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { parseLineUncached } from '../../../src/parse/index.js';
import { reproduceChecks } from '../../../src/parse/line-cache.js';
import { fuzzLines, Rng, seedLines } from '../../support/mutate.mjs';

const two = (n: number): string => String(n).padStart(2, '0');

/** `type=NNNN audit(S.MMM:N): BODY` of each line that holds one, in a random kernel syslog envelope. */
function inKernelEnvelopes(lines: Iterable<string>, rng: Rng): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const m = /type=(\d+) audit\(\d+\.\d+:\d+\): ?(.*)$/.exec(line.replace(/\n/g, ' '));
    if (!m) continue;
    const month = ['Nov', 'Dec', 'Xyz', 'Mai'][rng.int(4)]!;
    const day = rng.chance(20) ? two(1 + rng.int(31)) : String(1 + rng.int(31)).padStart(2, ' ');
    const printk = rng.chance(70) ? `[ ${rng.int(1000)}.${rng.int(1000000)}] ` : '';
    const seconds = rng.chance(5) ? rng.int(1000) : 1_000_000_000 + rng.int(900_000_000);
    const millis = String(rng.int(1000)).padStart(3, '0');
    out.push(
      `${month} ${day} 10:${two(rng.int(60))}:${two(rng.int(60))} host kernel: ${printk}audit: type=${m[1]} audit(${seconds}.${millis}:${rng.int(99999)}):${rng.chance(90) ? ' ' : ''}${m[2]}`,
    );
  }
  return out;
}

type Mutable = Record<string, unknown>;

/** The denial, and copies of it altered where a reproducing record could differ from its line. */
function variants(denial: Denial): Denial[] {
  const alter = (change: (copy: Mutable) => void): Denial => {
    const copy = { ...denial } as Mutable;
    change(copy);
    return copy as unknown as Denial;
  };
  const stamp = denial.auditStamp;
  return [
    denial,
    alter((d) => delete d.timeText),
    alter((d) => (d.time = `${String(d.time)}x`)),
    alter((d) => (d.log = `${String(d.log)} `)),
    alter((d) => (d.raw = `${String(d.raw)} `)),
    alter((d) => (d.repeat = 2)),
    alter((d) => (d.auditType = String(d.auditType))),
    alter(
      (d) => stamp && (d.auditStamp = { millis: stamp.millis, seconds: stamp.seconds, serial: stamp.serial }),
    ),
    alter((d) => stamp && (d.auditStamp = { ...stamp, extra: 1 })),
    alter((d) => stamp && (d.auditStamp = Object.assign(Object.create(null) as object, stamp))),
    alter((d) => stamp && (d.auditStamp = { ...stamp, serial: stamp.serial + 1 })),
    alter((d) => {
      // timeText moved to the end: the same values, another order.
      const text = d.timeText;
      delete d.timeText;
      d.timeText = text;
    }),
    alter((d) => {
      const log = d.log;
      delete d.log;
      d.log = log;
    }),
  ];
}

describe('the line cache telling whether a denial reproduces from its line', () => {
  it('agrees with making the copy and comparing, on real, mutated and altered records', () => {
    const rng = new Rng(41);
    const lines = [
      ...inKernelEnvelopes(seedLines(), rng),
      ...inKernelEnvelopes(fuzzLines({ seed: 4141, count: 3000, noisePercent: 5 }, seedLines()), rng),
    ];
    expect(lines.length).toBeGreaterThan(1000);
    const verdicts = { true: 0, false: 0 };
    for (const line of lines) {
      const result = parseLineUncached(line, 'file');
      if (result.kind !== 'denial') continue;
      for (const denial of variants(result.denial)) {
        const checks = reproduceChecks(denial, line, 'file');
        if (checks === undefined) continue;
        expect(checks.direct, line).toBe(checks.byCopy);
        verdicts[String(checks.byCopy) as 'true' | 'false']++;
      }
    }
    // Both answers really occur, many times.
    expect(verdicts.true).toBeGreaterThan(500);
    expect(verdicts.false).toBeGreaterThan(5000);
  });
});
