// The line cache (src/parse/line-cache.ts) must never change a result: every line parsed through
// it, after other lines of its key taught it, equals the full parse of that line (members, order,
// values). Lines are generated: real records and mutated ones (hex-encoded values, non-ASCII,
// i386/compat seccomp, broken quoting, truncation) in kernel syslog envelopes with random stamps,
// hosts, printk stamps, pids and ips; rsyslog repeats and other envelopes are mixed in.
import { describe, expect, it } from 'vitest';
import {
  parseLine,
  parseLineUncached,
  parseLineWithBasis,
  type ParseResult,
} from '../../../src/parse/index.js';
import { LineCache, lineKeyOf, reproduceChecks } from '../../../src/parse/line-cache.js';
import { fuzzLines, Rng, seedLines } from '../../support/mutate.mjs';

const SEEDS = seedLines().map((line) => line.replace(/\n/g, ' '));
/** `type=NNNN audit(S.MMM:N): BODY` of every seed that holds one. */
const RECORDS = SEEDS.flatMap((line) => {
  const m = /type=(\d+) audit\(\d+\.\d+:\d+\): ?(.*)$/.exec(line);
  return m ? [{ type: m[1]!, body: m[2]! }] : [];
});
const MONTHS = ['Jan', 'Feb', 'Mar', 'Nov', 'Dec', 'Xyz', 'Mai'];
const HOSTS = ['host', 'vm-1', 'ho:st', 'h[1]', 'höst', 'audit(1.2:3)', 'SECCOMP'];

const two = (n: number): string => String(n).padStart(2, '0');

/** What stays the same in a key: month name, host and whether a printk stamp is there. */
interface Shape {
  readonly month: string;
  readonly host: string;
  readonly printk: boolean;
}

function shapeOf(index: number): Shape {
  return {
    month: MONTHS[index % MONTHS.length]!,
    host: HOSTS[Math.floor(index / MONTHS.length) % HOSTS.length]!,
    printk: index % 3 !== 0,
  };
}

/** The record logged by the kernel through syslog, in an envelope of `shape` with random stamps. */
function kernelLine(type: string, body: string, rng: Rng, shape: Shape): string {
  const day = 1 + rng.int(31);
  const dayText = rng.chance(20) ? two(day) : String(day).padStart(2, ' ');
  const stamp = `${shape.month} ${dayText} ${two(rng.int(24))}:${two(rng.int(60))}:${two(rng.int(60))}`;
  const printk = shape.printk ? `[${' '.repeat(rng.int(4))}${rng.int(100000)}.${rng.int(1000000)}] ` : '';
  const seconds = rng.chance(5) ? rng.int(1000) : 1_000_000_000 + rng.int(900_000_000);
  const audit = `audit(${seconds}.${String(rng.int(1000)).padStart(3, '0')}:${rng.int(10_000_000)})`;
  return `${stamp} ${shape.host} kernel: ${printk}audit: type=${type} ${audit}:${rng.chance(90) ? ' ' : ''}${body}`;
}

/** The same record logged by another process: new pid= values and (seccomp) a new ip=. */
function reprocessed(body: string, rng: Rng): string {
  return body
    .replace(/\bpid=\d+/g, () => `pid=${1 + rng.int(4_000_000)}`)
    .replace(/\bip=0x[0-9a-fA-F]+/g, () => `ip=0x${(rng.int(0x7fffffff) * 4096).toString(16)}`);
}

function expectSame(cached: ParseResult, line: string, source: 'file' | 'journald' = 'file'): void {
  const fresh = parseLineUncached(line, source);
  expect(cached, line).toStrictEqual(fresh);
  expect(JSON.stringify(cached), line).toBe(JSON.stringify(fresh));
}

/** Parses each line through `cache`, counting the lines it answered without a full parse. */
function throughCache(cache: LineCache, lines: readonly string[]): number {
  let parsed = 0;
  for (const line of lines) {
    const result = cache.parse(line, 'file', () => {
      parsed++;
      return parseLineUncached(line, 'file');
    });
    expectSame(result, line);
  }
  return lines.length - parsed;
}

describe('the line cache', () => {
  it('gives every real record in random kernel envelopes and processes the full parse', () => {
    expect(RECORDS.length).toBeGreaterThan(100);
    const rng = new Rng(31);
    const lines: string[] = [];
    for (let round = 0; round < 6; round++) {
      RECORDS.forEach(({ type, body }, i) =>
        lines.push(kernelLine(type, reprocessed(body, rng), rng, shapeOf(i))),
      );
    }
    const answered = throughCache(new LineCache(), lines);
    // The fast path must really be taken (same host, month and printk form recur across rounds).
    expect(answered).toBeGreaterThan(500);
  });

  it('gives mutated records (hex, non-ASCII, quoting, truncation, NULs) the full parse', () => {
    const rng = new Rng(32);
    const bodies = [...fuzzLines({ seed: 3232, count: 3000, noisePercent: 5 }, SEEDS)].flatMap((line) => {
      const m = /type=(\d+) audit\(\d+\.\d+:\d+\): ?(.*)$/.exec(line);
      return m ? [{ type: m[1]!, body: m[2]! }] : [];
    });
    expect(bodies.length).toBeGreaterThan(1000);
    const lines: string[] = [];
    bodies.forEach(({ type, body }, i) => {
      const variants = [body, reprocessed(body, rng), reprocessed(body, rng)];
      for (const variant of variants) lines.push(kernelLine(type, variant, rng, shapeOf(i)));
    });
    expect(throughCache(new LineCache(), lines)).toBeGreaterThan(300);
  });

  it('keeps each line its own stamps, pid, ip, fields and log text', () => {
    const cache = new LineCache();
    const body = (pid: number, ip: string): string =>
      `auid=1000 uid=1000 gid=1000 ses=3 subj=snap.foo.app (enforce) pid=${pid} comm="foo" exe="/snap/foo/1/foo" sig=0 arch=40000003 syscall=102 compat=1 ip=${ip} code=0x50000`;
    const lines = Array.from(
      { length: 50 },
      (_, i) =>
        `Nov  ${1 + (i % 9)} 10:00:${two(i)} host kernel: [ ${i}.5] audit: type=1326 audit(17000000${two(i)}.${String(i * 7).padStart(3, '0')}:${i}): ${body(100 + i, `0x${(0xf7f00000 + i).toString(16)}`)}`,
    );
    // Learnt from its first line while keys come back: every later line is answered.
    expect(throughCache(cache, lines)).toBe(49);
  });

  it('parses rsyslog repeats, other envelopes, other types and long lines in full, with the same result', () => {
    const rng = new Rng(33);
    const lines: string[] = [];
    for (const [index, { type, body }] of RECORDS.slice(0, 40).entries()) {
      for (let i = 0; i < 3; i++) {
        const line = kernelLine(type, reprocessed(body, rng), rng, shapeOf(index));
        lines.push(
          line.replace(' kernel: ', ' kernel: message repeated 3 times: [ ') + ']',
          line.replace(/type=\d+/, 'type=1300'),
          line.replace(/^\S+ +\S+ \S+/, '2026-11-22T10:00:00.123456+01:00'),
          `${line} name="${'x'.repeat(5000)}"`,
        );
      }
    }
    throughCache(new LineCache(), lines);
    for (const line of lines) expectSame(parseLine(line, 'file'), line);
  });

  it('is the path parseLine takes: its lines equal the full parse, repeats included', () => {
    const rng = new Rng(34);
    for (let round = 0; round < 3; round++) {
      for (const [index, { type, body }] of RECORDS.entries()) {
        const line = kernelLine(type, reprocessed(body, rng), rng, shapeOf(index));
        expectSame(parseLine(line, 'file'), line);
        expectSame(parseLine(line, 'journald'), line, 'journald');
      }
    }
  });
});

describe('parseLineWithBasis (first sights of the repeat lane, without the build cache)', () => {
  it('gives the full parse of every line, and its parts when its denial is made from them', () => {
    const rng = new Rng(36);
    const lines: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [index, { type, body }] of RECORDS.entries()) {
        const line = kernelLine(type, reprocessed(body, rng), rng, shapeOf(index));
        // Other envelopes too: the build cache would have remembered these bodies by now.
        lines.push(line, line.replace(' kernel: ', ' kernel: message repeated 2 times: [ ') + ']');
      }
    }
    let based = 0;
    for (const line of lines) {
      const { result, basis } = parseLineWithBasis(line, 'file');
      expectSame(result, line);
      expectSame(parseLine(line, 'file'), line);
      // A basis exactly when the line cache would learn the line's key as one made from its parts.
      const reproducing =
        result.kind === 'denial' && reproduceChecks(result.denial, line, 'file')?.direct === true;
      expect(basis !== undefined, line).toBe(reproducing);
      if (basis === undefined) continue;
      based++;
      expect(basis, line).toEqual(lineKeyOf(line, 'file')?.basis);
    }
    expect(based).toBeGreaterThan(RECORDS.length);
  });
});

describe('the line cache on lines that never repeat', () => {
  it('stops learning keys on first sight once they do not come back, with the same results', () => {
    const rng = new Rng(35);
    const lines = Array.from(
      { length: 3000 },
      (_, i) =>
        `Nov 22 10:00:00 host kernel: audit: type=1400 audit(1700000000.${String(i % 1000).padStart(3, '0')}:${i}): apparmor="DENIED" operation="open" class="file" profile="snap.a.b" name="/tmp/f${i}-${rng.int(1e6)}" pid=${i} comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
    );
    const cache = new LineCache(1024);
    expect(throughCache(cache, lines)).toBe(0);
    // Then a flood: after the stretch the cache skips (as the build cache does), learnt and answered.
    const flood = Array.from({ length: 200 }, (_, i) => lines[0]!.replace(/pid=\d+/, `pid=${i + 1}`));
    expect(throughCache(cache, flood)).toBeGreaterThan(100);
  });
});

describe('the line cache key', () => {
  it('never takes a host holding NULs and a body holding NULs for another line', () => {
    // Both an AppArmor and a seccomp record's members, after a separator trimStart keeps.
    const rest =
      '\u001dapparmor="DENIED" operation="open" profile="snap.a.b" name="/x" auid=0 uid=0 gid=0 ses=1 comm="c" exe="/snap/a/1/x" sig=0 arch=c000003e syscall=2 compat=0 code=0x50000 requested_mask="r" denied_mask="r"';
    // Without the host's length in the key these two would share one: A's body repeats B's host
    // tail and key parts (NUL-separated); B is a seccomp record without a printk stamp.
    const lineA = (s: number): string =>
      `Nov 22 10:00:00 a kernel: [ 1.5] audit: type=1400 audit(1700000000.${String(s).padStart(3, '0')}:1): X\u0000\u00001326\u0000-\u0000${rest}`;
    const lineB = (s: number): string =>
      `Nov 22 10:00:00 a\u0000t\u00001400\u0000-\u0000X kernel: audit: type=1326 audit(1700000000.${String(s).padStart(3, '0')}:2): ${rest}`;
    const kinds = [lineA(0), lineB(1)].map((line) => {
      const parsed = parseLineUncached(line, 'file');
      return parsed.kind === 'denial' ? parsed.denial.kind : parsed.kind;
    });
    expect(kinds).toEqual(['apparmor', 'seccomp']);
    const lines = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? lineA(i) : lineB(i)));
    throughCache(new LineCache(), lines);
  });
});
