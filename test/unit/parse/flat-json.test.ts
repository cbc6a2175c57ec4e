import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatStringMembers } from '../../../src/parse/flat-json.js';
import { parseJournalJson } from '../../../src/parse/journal-json.js';

const WANTED: ReadonlySet<string> = new Set(['MESSAGE', '_PID', '_TRANSPORT', '']);

/** What JSON.parse gives for the wanted members, or undefined when the line is not an all-string object. */
function reference(line: string): Map<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const members = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') return undefined;
    if (WANTED.has(key)) members.set(key, value);
  }
  return members;
}

const KERNEL_LINE =
  '{"_TRANSPORT":"kernel","__REALTIME_TIMESTAMP":"1795366561777796","_HOSTNAME":"vm","__CURSOR":"s=1;i=2",' +
  '"SYSLOG_IDENTIFIER":"kernel","MESSAGE":"audit: type=1326 audit(1795366561.766:7925382): pid=12651 ' +
  'comm=\\"load-seccomp\\" exe=\\"/snap/sdload-12586/1/bin/load-seccomp\\" sig=0 arch=c000003e syscall=134",' +
  '"__MONOTONIC_TIMESTAMP":"21383873060"}';

describe('flatStringMembers', () => {
  it('reads journalctl entry lines, escapes decoded', () => {
    const members = flatStringMembers(KERNEL_LINE, WANTED);
    expect(members).toEqual(reference(KERNEL_LINE));
    expect(members?.get('MESSAGE')).toContain('comm="load-seccomp"');
  });

  it('takes the last of a repeated key, as JSON.parse does', () => {
    expect(flatStringMembers('{"MESSAGE":"a","MESSAGE":"b"}', WANTED)?.get('MESSAGE')).toBe('b');
  });

  it('leaves every other shape to JSON.parse', () => {
    for (const line of [
      '{"MESSAGE":[104,105]}',
      '{"_PID":12}',
      '{ "MESSAGE":"x"}',
      '{"MESSAGE":"x"',
      '{"MESSAGE":"x\\q"}',
      '{"MESSAGE":"x\\u12"}',
      '{"MESSAGE":"a\tb"}',
      '{"MESSAGE":"x"}}',
      '{"MESSAGE":"x",}',
      '{"MES\\"SAGE":"x"}',
      '[]',
      '',
    ]) {
      expect(flatStringMembers(line, WANTED), line).toBeUndefined();
    }
    expect(flatStringMembers('{}', WANTED)).toEqual(new Map());
  });

  it('agrees with JSON.parse on any all-string object, and takes the fast path for it', () => {
    const key = fc.oneof(fc.constantFrom('MESSAGE', '_PID', '_TRANSPORT', '', '__CURSOR'), fc.string());
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom('\\', '"', '\\"', 'a\\\\"b', '\u2028', '\ud800', 'x\n'),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 8 }), (pairs) => {
        const line = `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
        const members = flatStringMembers(line, WANTED);
        if (members !== undefined) expect(members).toEqual(reference(line));
        // Only keys with a backslash (an escaped quote or control character) are left to JSON.parse.
        if (!pairs.some(([k]) => JSON.stringify(k).includes('\\'))) expect(members).toBeDefined();
      }),
      { numRuns: 3000 },
    );
  }, 60_000);

  it('never answers differently from JSON.parse on a damaged line', () => {
    const line = fc
      .tuple(
        fc.integer({ min: 0, max: KERNEL_LINE.length }),
        fc.integer({ min: 0, max: 3 }),
        fc.string({ maxLength: 3 }),
      )
      .map(([at, drop, insert]) => KERNEL_LINE.slice(0, at) + insert + KERNEL_LINE.slice(at + drop));
    const escapes = fc
      .array(fc.constantFrom('\\', '"', 'u', '0', 'a', ',', ':', '{', '}', 'x', ' ', '\t'), { maxLength: 12 })
      .map((chars) => `{"MESSAGE":"${chars.join('')}","_PID":"1"}`);
    fc.assert(
      fc.property(fc.oneof(line, escapes), (text) => {
        const members = flatStringMembers(text, WANTED);
        if (members !== undefined) expect(members).toEqual(reference(text));
      }),
      { numRuns: 5000 },
    );
  }, 60_000);
});

describe('parseJournalJson', () => {
  it('reads the same entry from the fast path and from JSON.parse', () => {
    // A number where journalctl writes a string sends the line through JSON.parse.
    const slow = KERNEL_LINE.replace(
      '"__MONOTONIC_TIMESTAMP":"21383873060"',
      '"__MONOTONIC_TIMESTAMP":21383873060',
    );
    expect(flatStringMembers(slow, WANTED)).toBeUndefined();
    expect(parseJournalJson(KERNEL_LINE)).toEqual(parseJournalJson(slow));
    expect(parseJournalJson(KERNEL_LINE)).toEqual({
      message:
        'audit: type=1326 audit(1795366561.766:7925382): pid=12651 comm="load-seccomp" ' +
        'exe="/snap/sdload-12586/1/bin/load-seccomp" sig=0 arch=c000003e syscall=134',
      time: '2026-11-22T16:56:01.777Z',
      host: 'vm',
      tag: 'kernel',
      monotonic: 21383.87306,
    });
  });
});
