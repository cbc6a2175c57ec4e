// Property tests of the whole line parser and its AppArmor / seccomp / device-cgroup record
// builders: mutated real lines, arbitrary bytes and arbitrary field sets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { buildAppArmor, type RecordBase } from '../../../src/parse/apparmor.js';
import { buildCgroup } from '../../../src/parse/cgroup.js';
import {
  DENIAL_MARKERS,
  looksLikeDenial,
  parseLine,
  stripPrefix,
  tokenize,
  type ParseResult,
} from '../../../src/parse/index.js';
import { findRecord } from '../../../src/parse/record.js';
import { buildSeccomp } from '../../../src/parse/seccomp.js';
import { mutate, noiseLine, Rng, seedLines } from '../../support/mutate.mjs';

const SEEDS = seedLines();
const BUILDERS = { apparmor: buildAppArmor, seccomp: buildSeccomp, cgroup: buildCgroup } as const;
const DECISIONS = new Set(['DENIED', 'ALLOWED', 'AUDIT', undefined]);
/** Denial members copied from one field value as logged (seccomp's label loses its mode suffix). */
const STRING_MEMBERS = [
  'operation',
  'class',
  'info',
  'path',
  'target',
  'requestedMask',
  'deniedMask',
  'capname',
  'family',
  'sockType',
  'signal',
  'peer',
  'peerLabel',
  'namespace',
  'fstype',
  'srcname',
  'flags',
  'addr',
  'peerAddr',
  'comm',
  'exe',
  'code',
  'ip',
] as const;
const NUMBER_MEMBERS = [
  'pid',
  'uid',
  'auid',
  'ses',
  'fsuid',
  'ouid',
  'capability',
  'error',
  'sig',
  'peerPid',
  'protocol',
] as const;

function fail(message: string): never {
  throw new Error(message);
}

/** The parser without its fast reject: what parseLine would say if looksLikeDenial let every line through. */
function slowParse(line: string): 'denial' | 'not' {
  const envelope = findRecord(stripPrefix(line).message);
  if (envelope === undefined || 'problem' in envelope) return 'not';
  const built = BUILDERS[envelope.family]({ raw: line, log: envelope.body }, tokenize(envelope.body));
  return built !== undefined && 'denial' in built ? 'denial' : 'not';
}

/** A denial holds only what its line says. */
function checkDenial(line: string, denial: Denial): void {
  if (!['apparmor', 'seccomp', 'cgroup'].includes(denial.kind)) fail(`kind ${denial.kind}`);
  if (denial.raw !== line) fail('raw is not the line');
  if (!DECISIONS.has(denial.decision)) fail(`decision ${denial.decision}`);
  const json = line.startsWith('{');
  if (!json && !line.includes(denial.log)) fail('log is not part of the line');
  const fields = denial.fields ?? {};
  const values = new Set(Object.values(fields));
  const numbers = new Set([...values].filter((v) => /^-?\d+$/.test(v)).map(Number));
  for (const key in fields) if (!line.includes(`${key}=`) && !json) fail(`invented field ${key}`);
  for (const member of STRING_MEMBERS) {
    const value = denial[member];
    if (value !== undefined && !values.has(value))
      fail(`${member}=${JSON.stringify(value)} is not a logged value`);
  }
  for (const member of NUMBER_MEMBERS) {
    const value = denial[member];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value)) fail(`${member} is not an integer`);
    if (member !== 'protocol' && !numbers.has(value)) fail(`${member}=${value} is not a logged value`);
  }
  if (denial.label !== undefined && ![...values].some((v) => v.startsWith(denial.label!)))
    fail(`label ${denial.label} is not logged`);
  if (denial.syscall) {
    if (!sameNumber(fields.syscall, denial.syscall.number)) fail('syscall number is not the logged one');
    if (fields.arch?.toLowerCase() !== denial.syscall.auditArch) fail('arch is not the logged one');
  }
  if (denial.device && !sameNumber(fields.major, denial.device.major)) fail('major is not the logged one');
}

/** Whether `logged` is `value` in decimal digits (a mutated line may write it with leading zeros). */
function sameNumber(logged: string | undefined, value: number): boolean {
  return logged !== undefined && /^\d+$/.test(logged) && Number(logged) === value;
}

function checkResult(line: string, result: ParseResult): void {
  if (result.kind === 'unparsed') {
    if (result.reason.length === 0 || /[\n\r]/.test(result.reason))
      fail(`bad reason ${JSON.stringify(result.reason)}`);
    if (result.reason.startsWith('parser failure')) fail(`the parser threw: ${result.reason}`);
  } else if (result.kind === 'denial') {
    checkDenial(line, result.denial);
  } else if (result.kind !== 'other') {
    fail('unknown result kind');
  }
  if (looksLikeDenial(line) && !DENIAL_MARKERS.some((m) => line.includes(m)))
    fail('a line the fast reject accepts holds none of the markers the file scan searches');
  if (!looksLikeDenial(line) && slowParse(line) === 'denial') fail('the fast reject dropped a denial');
}

const ARBITRARY_TEXT = fc
  .tuple(fc.uint8Array({ maxLength: 300 }), fc.boolean())
  .map(([bytes, utf8]) => Buffer.from(bytes).toString(utf8 ? 'utf8' : 'latin1'));

describe('parseLine (fuzz)', { timeout: 30_000 }, () => {
  it('mutated real lines: never throws, denials hold only what the line says, the fast reject drops no denial', () => {
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.integer(), (index, seed) => {
        const line = mutate(SEEDS[index]!, new Rng(seed));
        checkResult(line, parseLine(line, 'file'));
      }),
      { numRuns: 4000 },
    );
  });

  it('arbitrary bytes, alone and after a record envelope', () => {
    const envelopes = [
      '',
      'audit: type=1400 audit(1.2:3): apparmor="DENIED" ',
      'audit: type=1326 audit(1.2:3): ',
      'type=DEVICE_CGROUP decision="DENIED" ',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...envelopes), ARBITRARY_TEXT, (envelope, text) => {
        checkResult(envelope + text, parseLine(envelope + text));
      }),
      { numRuns: 3000 },
    );
  });

  it('noise lines', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const line = noiseLine(new Rng(seed));
        checkResult(line, parseLine(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('every real seed: parsing is deterministic and the fast reject keeps every denial', () => {
    let denials = 0;
    for (const line of SEEDS) {
      const first = parseLine(line, 'file');
      checkResult(line, first);
      expect(parseLine(line, 'file')).toEqual(first);
      if (first.kind === 'denial') denials++;
    }
    expect(denials).toBeGreaterThan(250);
  });

  it('a record reads the same whatever prefix the log put in front of it', () => {
    const messages = SEEDS.filter((line) => parseLine(line).kind === 'denial' && !line.startsWith('{'))
      .map((line) => stripPrefix(line).message)
      .filter((message) => parseLine(message).kind === 'denial');
    expect(messages.length).toBeGreaterThan(200);
    const prefixes = [
      '[ 1234.567890] ',
      'Nov 22 10:00:00 host kernel: ',
      'Nov  2 10:00:00.123456+01:00 host kernel: [ 1.000000] ',
      '2026-11-22T10:00:00.123456+00:00 host kernel: ',
      '6,1234,5678901,-;',
      '[Sun Nov 22 10:00:00 2026] ',
      'Nov 22 10:00:00 host kernel: message repeated 2 times: [ ',
    ];
    const essence = (r: ParseResult) => {
      if (r.kind !== 'denial') return r;
      const { kind, decision, label, operation, path, syscall, device, fields } = r.denial;
      return { kind, decision, label, operation, path, syscall, device, fields };
    };
    fc.assert(
      fc.property(fc.constantFrom(...messages), fc.constantFrom(...prefixes), (message, prefix) => {
        const suffix = prefix.endsWith('[ ') ? ']' : '';
        expect(essence(parseLine(prefix + message + suffix))).toEqual(essence(parseLine(message)));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('record builders (fuzz): arbitrary field sets', { timeout: 30_000 }, () => {
  const KEYS = [
    'apparmor',
    'operation',
    'profile',
    'label',
    'name',
    'name2',
    'target',
    'requested_mask',
    'denied_mask',
    'fsuid',
    'ouid',
    'capability',
    'capname',
    'family',
    'sock_type',
    'protocol',
    'signal',
    'peer',
    'bus',
    'path',
    'interface',
    'member',
    'mask',
    'pid',
    'comm',
    'exe',
    'uid',
    'auid',
    'ses',
    'subj',
    'sig',
    'arch',
    'syscall',
    'compat',
    'ip',
    'code',
    'decision',
    'dev_type',
    'major',
    'minor',
    'access',
    'type',
    'error',
    'info',
    'class',
    'addr',
    'peer_addr',
    'peer_pid',
    'method',
    'requested',
    'denied',
  ];
  const value = fc.oneof(
    fc.constantFrom(
      'DENIED',
      'ALLOWED',
      'AUDIT',
      'KILL',
      'STATUS',
      '0x50000',
      '0x7ffc0000',
      'c000003e',
      'c',
      'b',
      'rw',
      '?',
      '',
      'snap.a.b',
      'snap.a.b (enforce)',
      '-1',
      '4294967295',
      '99999999999999999999',
      'NaN',
      '1e5',
      'tcp',
      'dbus_method_call',
      'capable',
    ),
    fc.nat().map(String),
    fc.string({ maxLength: 20 }),
  );
  const fieldSets = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 20 });
  const base: RecordBase = { raw: 'raw', log: 'log' };

  it('never throw; a denial copies values only from its fields', () => {
    fc.assert(
      fc.property(fieldSets, fc.constantFrom('apparmor', 'seccomp', 'cgroup' as const), (fields, family) => {
        const built = BUILDERS[family](base, { fields });
        if (built === undefined) return;
        if ('problem' in built) {
          if (built.problem.length === 0 || built.problem.includes('\n')) fail('bad problem');
          return;
        }
        const denial = { ...built.denial, raw: 'raw', log: 'log' };
        const line = Object.entries(fields)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        checkDenial(line, { ...denial, raw: line, log: '' });
      }),
      { numRuns: 4000 },
    );
  });
});

describe('regressions found by fuzzing', { timeout: 30_000 }, () => {
  it('a syscall number written with a leading zero is read in decimal', () => {
    const result = parseLine(
      'audit: type=1326 audit(1.2:3): pid=7554 comm="t" exe="/snap/foo/1/bin/t" sig=0 arch=c000003e syscall=010 compat=0 ip=0x7f code=0x50000',
    );
    expect(result.kind === 'denial' && result.denial.syscall?.number).toBe(10);
  });

  it('a reason quoting a logged value stays one short line (a CR in apparmor=, a 64 KiB value)', () => {
    expect(parseLine('audit: type=1400 audit(1.2:3): apparmor="ALLOWED\r" operation="open"')).toEqual({
      kind: 'unparsed',
      reason: 'unknown apparmor="ALLOWED\\x0d"',
    });
    const huge = parseLine(`audit: type=1400 audit(1.2:3): apparmor="${'X'.repeat(65536)}" operation="open"`);
    expect(huge).toEqual({ kind: 'unparsed', reason: `unknown apparmor="${'X'.repeat(182)}...` });
  });
});
