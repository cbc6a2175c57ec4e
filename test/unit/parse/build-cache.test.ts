// The build cache (src/parse/build-cache.ts) must never change a result: parseLine, whose cache
// is warm with every line seen before, against parseLineUncached on the same line.
import { describe, expect, it } from 'vitest';
import type { RecordBase } from '../../../src/parse/apparmor.js';
import { buildSeccomp } from '../../../src/parse/seccomp.js';
import { BuildCache } from '../../../src/parse/build-cache.js';
import { parseLine, parseLineUncached, tokenize } from '../../../src/parse/index.js';
import { fuzzLines, Rng, seedLines } from '../../support/mutate.mjs';

const SEEDS = seedLines().map((line) => line.replace(/\n/g, ' '));

/** Equal members, in the same order (JSON output follows member order). */
function expectSameAsUncached(line: string): void {
  const cached = parseLine(line, 'journald');
  const fresh = parseLineUncached(line, 'journald');
  expect(cached, line).toStrictEqual(fresh);
  expect(JSON.stringify(cached), line).toBe(JSON.stringify(fresh));
}

/** The same record in another envelope: new audit stamp, serial, and for journal JSON new journal stamps. */
function reenveloped(line: string, rng: Rng): string {
  const seconds = 1_000_000_000 + rng.int(900_000_000);
  const millis = String(rng.int(1000)).padStart(3, '0');
  const serial = rng.int(10_000_000);
  const micros = `${seconds}${String(rng.int(1_000_000)).padStart(6, '0')}`;
  return line
    .replace(/audit\(\d+\.\d+:\d+\)/g, `audit(${seconds}.${millis}:${serial})`)
    .replace(/"_AUDIT_ID":"\d+"/, `"_AUDIT_ID":"${serial}"`)
    .replace(/"(_SOURCE_REALTIME_TIMESTAMP|__REALTIME_TIMESTAMP)":"\d+"/g, `"$1":"${micros}"`)
    .replace(/^\[\s*\d+\.\d+\]/, `[${rng.int(100000)}.${String(rng.int(1_000_000)).padStart(6, '0')}]`);
}

/** A journal JSON entry from each transport carrying `line`'s record, as journalctl writes them. */
function journalEntries(line: string, rng: Rng): string[] {
  const record = /(?:type=\d+ )?audit\(\d+\.\d+:\d+\): .*/.exec(line)?.[0];
  if (record === undefined) return [];
  const micros = `${1_700_000_000 + rng.int(100_000_000)}${String(rng.int(1_000_000)).padStart(6, '0')}`;
  const kernel = {
    __CURSOR: `s=1;i=${rng.int(1e6).toString(16)}`,
    __REALTIME_TIMESTAMP: micros,
    __MONOTONIC_TIMESTAMP: String(rng.int(1e9)),
    _TRANSPORT: 'kernel',
    SYSLOG_IDENTIFIER: 'kernel',
    _HOSTNAME: 'vm',
    MESSAGE: `audit: ${record}`,
  };
  const body = /audit\(\d+\.\d+:\d+\): (.*)/.exec(record)?.[1] ?? '';
  const type = /^type=(\d+)/.exec(record)?.[1];
  const audit = {
    __CURSOR: `s=1;i=${rng.int(1e6).toString(16)}`,
    __REALTIME_TIMESTAMP: micros,
    _TRANSPORT: 'audit',
    _AUDIT_TYPE: type ?? '1400',
    _AUDIT_ID: String(rng.int(1e7)),
    _SOURCE_REALTIME_TIMESTAMP: micros,
    _PID: String(rng.int(1e5)),
    MESSAGE: `${type === '1326' ? 'SECCOMP' : 'AVC'} ${body}`,
  };
  return [JSON.stringify(kernel), JSON.stringify(audit)];
}

describe('the record build cache', () => {
  it('gives every real line the uncached result, on first sight and on repeats', () => {
    expect(SEEDS.length).toBeGreaterThan(100);
    for (let pass = 0; pass < 2; pass++) for (const line of SEEDS) expectSameAsUncached(line);
  });

  it('gives a repeated record in a new envelope (stamp, serial, journal fields) its own envelope', () => {
    const rng = new Rng(8);
    let denials = 0;
    for (let round = 0; round < 3; round++) {
      for (const seed of SEEDS) {
        for (const line of [seed, ...journalEntries(seed, rng)]) {
          const variant = reenveloped(line, rng);
          expectSameAsUncached(variant);
          if (parseLine(variant).kind === 'denial') denials++;
        }
      }
    }
    expect(denials).toBeGreaterThan(1000);
  });

  it('gives mutated lines (random field values, broken quoting, truncation) the uncached result', () => {
    const rng = new Rng(88);
    const lines = [...fuzzLines({ seed: 888, count: 4000, noisePercent: 10 }, SEEDS)];
    // Each line twice, in another envelope the second time, with the others in between.
    for (const line of [...lines, ...lines.map((line) => reenveloped(line, rng))]) expectSameAsUncached(line);
  });

  it('keeps the envelope of the line asked about, not of the line first built', () => {
    const first = parseLine(
      'audit: type=1326 audit(1795362967.986:100): auid=0 uid=0 gid=0 ses=1 pid=7 comm="x" exe="/snap/a/1/x" sig=0 arch=c000003e syscall=134 compat=0 ip=0x1 code=0x50000',
    );
    const second = parseLine(
      'audit: type=1326 audit(1795362968.001:101): auid=0 uid=0 gid=0 ses=1 pid=7 comm="x" exe="/snap/a/1/x" sig=0 arch=c000003e syscall=134 compat=0 ip=0x1 code=0x50000',
    );
    if (first.kind !== 'denial' || second.kind !== 'denial') throw new Error('not denials');
    expect(first.denial.auditStamp).toEqual({ seconds: 1795362967, millis: 986, serial: 100 });
    expect(second.denial.auditStamp).toEqual({ seconds: 1795362968, millis: 1, serial: 101 });
    expect(second.denial.time).toBe('2026-11-22T15:56:08.001Z');
    expect(second.denial.raw).toContain(':101)');
  });
});

describe('the record build cache with huge bodies', () => {
  it('builds a body over 4 KiB afresh each time, with the same result', () => {
    const huge = 'x'.repeat(70_000);
    const line = `audit: type=1400 audit(1.002:3): apparmor="DENIED" operation="open" profile="snap.a.b" name="/${huge}" pid=1 comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`;
    for (let i = 0; i < 3; i++) expectSameAsUncached(line);
  });
});

/** The same record logged by another process: new pid= values and (seccomp) a new ip=. */
function reprocessed(line: string, rng: Rng): string {
  return line
    .replace(/\bpid=\d+/g, () => `pid=${1 + rng.int(4_000_000)}`)
    .replace(
      /\bip=0x[0-9a-fA-F]+/g,
      () => `ip=0x${(rng.int(0x7fffffff) * 4096 + rng.int(4096)).toString(16)}`,
    );
}

describe('the record build cache keyed without per-process values (pid=, ip=)', () => {
  it('gives every real line in another process and envelope the uncached result', () => {
    const rng = new Rng(21);
    let denials = 0;
    for (let round = 0; round < 4; round++) {
      for (const seed of SEEDS) {
        for (const line of [seed, ...journalEntries(seed, rng)]) {
          const variant = reenveloped(reprocessed(line, rng), rng);
          expectSameAsUncached(variant);
          if (parseLine(variant).kind === 'denial') denials++;
        }
      }
    }
    expect(denials).toBeGreaterThan(1000);
  });

  it('gives mutated lines in another process the uncached result', () => {
    const rng = new Rng(22);
    const lines = [...fuzzLines({ seed: 2222, count: 4000, noisePercent: 10 }, SEEDS)];
    for (const line of [
      ...lines,
      ...lines.map((l) => reprocessed(l, rng)),
      ...lines.map((l) => reprocessed(l, rng)),
    ]) {
      expectSameAsUncached(line);
    }
  });

  it('never takes pid= or ip= text inside a quoted value, a longer key or a second record for the pid', () => {
    const rng = new Rng(23);
    const templates = [
      (v: string) =>
        `audit: type=1400 audit(1.002:3): apparmor="DENIED" operation="open" profile="snap.a.b" name="/tmp/ pid=${v} " comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
      (v: string) =>
        `audit: type=1400 audit(1.002:3): apparmor="DENIED" operation="open" profile="snap.a.b" name="/tmp/x" pid=${v} comm="pid=${v}" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
      (v: string) =>
        `audit: type=1400 audit(1.002:3): apparmor="DENIED" operation="signal" profile="snap.a.b" pid=7 comm="c" requested_mask="send" denied_mask="send" signal=term peer="x" peer_pid=${v}`,
      (v: string) =>
        `audit: type=1326 audit(1.002:3): auid=0 uid=0 gid=0 ses=1 pid=7 comm="c" exe="/snap/a/1/x ip=0x${v} " sig=0 arch=c000003e syscall=134 compat=0 code=0x50000`,
      (v: string) =>
        `audit: type=1326 audit(1.002:3): auid=0 uid=0 gid=0 ses=1 pid=${v} comm="c" exe="/snap/a/1/x" sig=0 arch=c000003e syscall=134 compat=0 ip=${v} code=0x50000`,
      (v: string) =>
        `audit: type=1326 audit(1.002:3): auid=0 uid=0 gid=0 ses=1 comm="c" exe="/snap/a/1/x" sig=0 arch=c000003e syscall=134 compat=0 ip=0x${v}0x code=0x50000`,
      (v: string) =>
        `audit: type=1107 audit(1.002:3): pid=1 uid=103 auid=4294967295 ses=4294967295 msg='apparmor="DENIED" operation="dbus_method_call" bus="system" path="/org/x" interface="org.x" member="M" mask="send" name="org.x" pid=${v} label="snap.a.b" peer_pid=5 peer_label="unconfined"'`,
      (v: string) =>
        `audit: type=1400 audit(1.002:3): apparmor="DENIED" operation="open" profile="snap.a.b" name="/proc/${v}/maps" pid=0${v} comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
    ];
    for (let i = 0; i < 300; i++) {
      for (const template of templates) expectSameAsUncached(template(String(rng.int(100_000))));
    }
  });

  it('never takes a body holding NULs for the masked key of another', () => {
    const body =
      'apparmor="DENIED" operation="open" profile="snap.a.b" name="/x" pid=5 comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0';
    const lookalike = `p\u0000${body.replace('pid=5', 'pid=')}`;
    for (const record of [body, lookalike, body, lookalike, lookalike]) {
      expectSameAsUncached(`audit: type=1400 audit(1.002:3): ${record}`);
    }
  });
});

describe('the build cache with per-process values masked', () => {
  it('builds a seccomp denial logged by 500 processes twice, and each joined record has its own pid and ip', () => {
    const cache = new BuildCache();
    let builds = 0;
    const counting: typeof buildSeccomp = (base, tokens) => {
      builds++;
      return buildSeccomp(base, tokens);
    };
    for (let pid = 1000; pid < 1500; pid++) {
      const ip = `0x7f${pid.toString(16)}c4d5e`;
      const body = `auid=1000 uid=1000 gid=1000 ses=3 subj=snap.foo.app (enforce) pid=${pid} comm="foo" exe="/snap/foo/12/bin/foo" sig=0 arch=c000003e syscall=49 compat=0 ip=${ip} code=0x50000`;
      const base: RecordBase = { raw: body, log: body, auditType: 1326 };
      const built = cache.build('seccomp', counting, base, body, tokenize);
      expect(built).toEqual(buildSeccomp(base, tokenize(body)));
      if (built === undefined || !('denial' in built)) throw new Error('not a denial');
      expect([built.denial.pid, built.denial.ip, built.denial.fields?.pid]).toEqual([pid, ip, String(pid)]);
    }
    expect(builds).toBe(2);
  });
});

describe('the build cache key', () => {
  it('never takes a type name holding NULs and a body holding NULs for another record', () => {
    const rest =
      '\u001dapparmor="DENIED" operation="open" profile="snap.a.b" comm="c" requested_mask="r" denied_mask="r" fsuid=0 ouid=0';
    // Without the type's length in the key, the second line's type name and the first line's
    // body give both one key: the first would be joined from the second's build (no path).
    const first = `type=APPARMOR_X msg=audit(1.002:3): name="/y"\u0000string\u0000-\u0000${rest}`;
    const second = `type=APPARMOR_X\u0000string\u0000-\u0000name="/y" msg=audit(1.002:4): ${rest}`;
    const path = (line: string): string | undefined => {
      const parsed = parseLineUncached(line);
      return parsed.kind === 'denial' ? parsed.denial.path : parsed.kind;
    };
    expect([path(first), path(second)]).toEqual(['/y', undefined]);
    for (const line of [first, second, first, second, first]) expectSameAsUncached(line);
  });
});
