// The audit key=value tokenizer: examples, and properties checked with fast-check.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeHex, encodeAuditValue, tokenize } from '../../../src/parse/index.js';

describe('tokenize', () => {
  test('bare, quoted and hex values', () => {
    const { fields, problem } = tokenize(
      'pid=42 name="/etc/fstab" comm=4143504920506F6C6C6572 profile=74657374207370616365 arch=c000003e',
    );
    expect(problem).toBeUndefined();
    expect(fields).toEqual({
      pid: '42',
      name: '/etc/fstab',
      comm: 'ACPI Poller',
      profile: 'test space',
      arch: 'c000003e',
    });
  });

  test('hex of a path with spaces (libapparmor testcase22)', () => {
    expect(tokenize('name=2F746D702F646F6573206E6F74206578697374').fields.name).toBe('/tmp/does not exist');
  });

  test('quoted values with spaces and empty values', () => {
    expect(tokenize('flags="rw, nosuid, nodev" target="" requested_mask="send receive"').fields).toEqual({
      flags: 'rw, nosuid, nodev',
      target: '',
      requested_mask: 'send receive',
    });
  });

  test("msg='...' nests a whole record (USER_AVC)", () => {
    const tokens = tokenize(
      `pid=363 uid=102 msg='apparmor="DENIED" operation="dbus_bind"  bus="system" pid=2838 exe="/bin/dbus-daemon" hostname=? addr=? terminal=?'`,
    );
    expect(tokens.fields.pid).toBe('363');
    expect(tokens.nested?.fields).toMatchObject({
      apparmor: 'DENIED',
      bus: 'system',
      pid: '2838',
      addr: '?',
    });
    expect(tokens.openSingleQuote).toBeUndefined();
  });

  test("an unterminated msg=' (continuation on the next line) is tolerated", () => {
    const tokens = tokenize(`pid=1 msg='apparmor="DENIED" operation="dbus_method_call" label="snap.a.b"`);
    expect(tokens.problem).toBeUndefined();
    expect(tokens.openSingleQuote).toBe(true);
    expect(tokens.nested?.fields.label).toBe('snap.a.b');
  });

  test('an unterminated double quote is a problem', () => {
    expect(tokenize('name="/etc/fst').problem).toBe('unterminated quote in name=');
  });

  test('a mode suffix stays with an unquoted label', () => {
    expect(tokenize('subj=snap.foo.bar (enforce) pid=1').fields).toEqual({
      subj: 'snap.foo.bar (enforce)',
      pid: '1',
    });
  });

  test("auditd's 0x1d enrichment separator ends a value; upper-case keys stay apart", () => {
    expect(tokenize('fsuid=1000 ouid=0\x1dFSUID="otis" OUID="root"').fields).toEqual({
      fsuid: '1000',
      ouid: '0',
      FSUID: 'otis',
      OUID: 'root',
    });
  });

  test('the first occurrence of a key wins', () => {
    expect(tokenize('class="posix_mqueue" class="other"').fields.class).toBe('posix_mqueue');
  });

  test('words that are not key=value are skipped', () => {
    expect(tokenize('user pid=1 (hostname=?, addr=?, terminal=cron res=success)').fields).toMatchObject({
      pid: '1',
      terminal: 'cron',
    });
  });

  test('decodeHex: odd length, lower case, invalid UTF-8', () => {
    expect(decodeHex('2F74')).toBe('/t');
    expect(decodeHex('2F7')).toBeUndefined();
    expect(decodeHex('2f74')).toBeUndefined();
    expect(decodeHex('C328')).toBeUndefined();
    expect(decodeHex('')).toBeUndefined();
  });

  test('encodeAuditValue quotes safe strings and hex-encodes the rest, like the kernel', () => {
    expect(encodeAuditValue('/dev/kmsg')).toBe('"/dev/kmsg"');
    expect(encodeAuditValue('my prog.sh')).toBe('6D792070726F672E7368');
    expect(encodeAuditValue('a"b')).toBe('612262');
    expect(encodeAuditValue('é')).toBe('C3A9');
  });
});

describe('tokenize properties', () => {
  // Keys starting with k: none of them is an untrusted-string key, so bare values are never hex-decoded.
  const key = fc.stringMatching(/^k[a-z0-9_]{0,11}$/);
  const untrustedKey = fc.constantFrom(
    'name',
    'comm',
    'exe',
    'profile',
    'label',
    'target',
    'srcname',
    'peer',
  );
  const anyString = fc.string({ unit: 'grapheme', maxLength: 40 });

  test('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const tokens = tokenize(text);
        expect(typeof tokens.fields).toBe('object');
      }),
      { numRuns: 2000 },
    );
  });

  test('round-trips sets of untrusted strings written the kernel way', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(untrustedKey, anyString), { selector: ([k]) => k, maxLength: 8 }),
        (pairs) => {
          const nonEmpty = pairs.filter(([, value]) => value.length > 0);
          const text = nonEmpty.map(([k, value]) => `${k}=${encodeAuditValue(value)}`).join(' ');
          const tokens = tokenize(text);
          expect(tokens.problem).toBeUndefined();
          expect({ ...tokens.fields }).toEqual(Object.fromEntries(nonEmpty));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('round-trips simple key=value sets with bare and quoted values', () => {
    const bareValue = fc.stringMatching(/^[a-z0-9.:/_-]{1,20}$/);
    const quotedValue = fc.stringMatching(/^[a-zA-Z0-9 ,./_:-]{0,20}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, fc.oneof(bareValue, quotedValue), fc.boolean()), {
          selector: ([k]) => k,
          maxLength: 10,
        }),
        (triples) => {
          const usable = triples.filter(([, value, quoted]) => quoted || !/[ ,]/.test(value) || value === '');
          const text = usable
            .map(([k, value, quoted]) => (quoted || value === '' ? `${k}="${value}"` : `${k}=${value}`))
            .join(' ');
          const fields = tokenize(text).fields;
          expect({ ...fields }).toEqual(Object.fromEntries(usable.map(([k, value]) => [k, value])));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('escaped control characters (rsyslog #012, kmsg \\x0a)', () => {
  test('a USER_AVC whose newline rsyslog wrote as #012 keeps every field', () => {
    // The telegram-desktop record (test/fixtures/lines/real-world.yaml) as rsyslog stores it.
    const tokens = tokenize(
      `pid=833 uid=102 msg='apparmor="DENIED" operation="dbus_method_call"  bus="system" pid=6920 label="snap.telegram-desktop.telegram-desktop" peer_pid=1049#012 exe="/usr/bin/dbus-daemon" sauid=102 hostname=? addr=? terminal=?'`,
    );
    expect(tokens.nested?.fields).toMatchObject({
      peer_pid: '1049',
      exe: '/usr/bin/dbus-daemon',
      sauid: '102',
    });
  });

  test("/dev/kmsg's \\x0a escape separates too", () => {
    expect(tokenize('peer_pid=1\\x0a exe="/usr/bin/dbus-daemon"').fields).toEqual({
      peer_pid: '1',
      exe: '/usr/bin/dbus-daemon',
    });
  });

  test('#012 inside a quoted value is text', () => {
    expect(tokenize('name="/tmp/#012"').fields.name).toBe('/tmp/#012');
  });
});
