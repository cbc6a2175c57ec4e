// Prefix stripping: every form the parser accepts, checked field by field.
import { describe, expect, test } from 'vitest';
import { parseLine, stripPrefix } from '../../../src/parse/index.js';

// A record without a prefix, from snappy-debug example A (../shared/reference/snappy-debug.md).
const RECORD =
  'audit: type=1400 audit(1489418236.123:77): apparmor="DENIED" operation="open" profile="snap.hello-world.sh" name="/etc/fstab" pid=29215 comm="cat" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0';

describe('stripPrefix', () => {
  test.each([
    [
      'BSD syslog',
      `Mar 13 15:17:16 host kernel: ${RECORD}`,
      { timeText: 'Mar 13 15:17:16', host: 'host', tag: 'kernel' },
    ],
    [
      'space-padded day',
      `Mar  3 15:17:16 host kernel: ${RECORD}`,
      { timeText: 'Mar  3 15:17:16', host: 'host' },
    ],
    [
      'syslog with [t]',
      `Mar 13 15:17:16 host kernel: [ 12.345678] ${RECORD}`,
      { monotonic: 12.345678, tag: 'kernel' },
    ],
    [
      'journalctl short-precise',
      `Mar 13 15:17:16.123456 host kernel: ${RECORD}`,
      { timeText: 'Mar 13 15:17:16', host: 'host' },
    ],
    ['German month', `Mär 13 15:17:16 host kernel: ${RECORD}`, { timeText: 'Mär 13 15:17:16', host: 'host' }],
    ['German Dez', `Dez 24 08:00:00 host kernel: ${RECORD}`, { timeText: 'Dez 24 08:00:00' }],
    [
      'French month with dot',
      `févr. 13 15:17:16 host kernel: ${RECORD}`,
      { timeText: 'févr. 13 15:17:16', host: 'host' },
    ],
    ['French août', `août 13 15:17:16 host kernel: ${RECORD}`, { timeText: 'août 13 15:17:16' }],
    [
      'Spanish month',
      `dic 13 15:17:16 host kernel: ${RECORD}`,
      { timeText: 'dic 13 15:17:16', host: 'host' },
    ],
    ['Spanish ene', `ene 02 01:02:03 host kernel: ${RECORD}`, { timeText: 'ene 02 01:02:03' }],
    [
      'audit transport tag',
      `Mar 13 15:17:16 host audit[1234]: AVC apparmor="DENIED"`,
      { tag: 'audit', pid: 1234 },
    ],
    [
      'RFC 3339 rsyslog',
      `2026-11-22T10:00:00.123456+00:00 host kernel: ${RECORD}`,
      { time: '2026-11-22T10:00:00.123Z', host: 'host' },
    ],
    [
      'RFC 3339 with offset',
      `2026-11-22T10:00:00.5-08:00 host kernel: ${RECORD}`,
      { time: '2026-11-22T18:00:00.500Z' },
    ],
    [
      'short-iso +0000',
      `2026-11-22T10:00:00+0000 host kernel: ${RECORD}`,
      { time: '2026-11-22T10:00:00.000Z' },
    ],
    [
      'socklog without host',
      `2021-09-11T20:57:41.91645Z kern.notice: [  469.180605] ${RECORD}`,
      { tag: 'kern.notice', monotonic: 469.180605 },
    ],
    ['dmesg', `[   12.345000] ${RECORD}`, { monotonic: 12.345 }],
    ['kmsg', `5,123,456789,-;${RECORD}`, { monotonic: 0.456789 }],
    ['audit.log node=', `node=box type=AVC msg=audit(1.2:3): apparmor="DENIED"`, { host: 'box' }],
    ['rsyslog repeat', `Mar 13 15:17:16 host kernel: message repeated 3 times: [ ${RECORD}]`, { repeat: 3 }],
  ])('%s', (_name, line, expected) => {
    const prefix = stripPrefix(line);
    expect(prefix).toMatchObject(expected);
    expect(prefix.message.endsWith('ouid=0') || prefix.message.includes('apparmor="DENIED"')).toBe(true);
  });

  test('dmesg -T is local time with a year', () => {
    const prefix = stripPrefix(`[Sun Nov 22 10:00:00 2026] ${RECORD}`);
    expect(prefix.time).toBe(new Date(2026, 10, 22, 10, 0, 0).toISOString());
    expect(prefix.message).toBe(RECORD);
  });

  test('RFC 3339 without zone is local time', () => {
    expect(stripPrefix(`2013-01-01T15:09:04 host kernel: ${RECORD}`).time).toBe(
      new Date(2013, 0, 1, 15, 9, 4).toISOString(),
    );
  });

  test('year-less stamps stay text without now, become ISO with now', () => {
    const line = `Dec 31 23:59:58 host kernel: ${RECORD}`;
    expect(stripPrefix(line).time).toBe('Dec 31 23:59:58');
    // Read on 2 January: the line is from the year before.
    expect(stripPrefix(line, new Date(2027, 0, 2, 12, 0, 0)).time).toBe(
      new Date(2026, 11, 31, 23, 59, 58).toISOString(),
    );
    expect(stripPrefix(`Mar 13 15:17:16 h kernel: x`, new Date(2026, 5, 1)).time).toBe(
      new Date(2026, 2, 13, 15, 17, 16).toISOString(),
    );
  });

  test('impossible dates are not turned into other dates', () => {
    expect(stripPrefix(`2026-02-30T10:00:00Z host kernel: ${RECORD}`).time).toBeUndefined();
  });

  test('journal JSON: MESSAGE as text, host, tag, pid, realtime', () => {
    const line = JSON.stringify({
      MESSAGE: RECORD,
      __REALTIME_TIMESTAMP: '1795345637685490',
      __MONOTONIC_TIMESTAMP: '459780755',
      _HOSTNAME: 'vm',
      SYSLOG_IDENTIFIER: 'kernel',
      _PID: '1',
    });
    expect(stripPrefix(line)).toEqual({
      message: RECORD,
      time: '2026-11-22T11:07:17.685Z',
      host: 'vm',
      tag: 'kernel',
      pid: 1,
      monotonic: 459.780755,
    });
  });

  test('journal JSON: MESSAGE as an array of bytes (not valid UTF-8)', () => {
    const bytes = [...Buffer.from(RECORD.replace('/etc/fstab', '/tmp/x'), 'latin1'), 0xff];
    const line = JSON.stringify({ MESSAGE: bytes, __REALTIME_TIMESTAMP: '1000000' });
    const prefix = stripPrefix(line);
    expect(prefix.message.startsWith('audit: type=1400')).toBe(true);
    expect(prefix.message.endsWith('\ufffd')).toBe(true);
    const result = parseLine(line, 'journald');
    expect(result.kind).toBe('denial');
    if (result.kind === 'denial') expect(result.denial.path).toBe('/tmp/x');
  });

  test('not a JSON object: the line is the message', () => {
    expect(stripPrefix('{not json apparmor="DENIED"').message).toBe('{not json apparmor="DENIED"');
  });
});

describe('parseLine time fields', () => {
  test('the audit stamp gives time; the syslog stamp gives timeText', () => {
    const result = parseLine(`Mar 13 15:17:16 host kernel: ${RECORD}`);
    expect(result).toMatchObject({
      kind: 'denial',
      denial: { time: '2017-03-13T15:17:16.123Z', timeText: 'Mar 13 15:17:16' },
    });
  });

  test('no audit stamp, year-less prefix: time is the text, or ISO when now is given', () => {
    const line =
      'Jul 31 17:10:35 host dbus[1692]: apparmor="DENIED" operation="dbus_bind"  bus="session" name="com.example" mask="bind" pid=2940 label="snap.a.b"';
    expect(parseLine(line)).toMatchObject({
      denial: { time: 'Jul 31 17:10:35', timeText: 'Jul 31 17:10:35' },
    });
    expect(parseLine(line, 'syslog', new Date(2026, 7, 1))).toMatchObject({
      denial: { time: new Date(2026, 6, 31, 17, 10, 35).toISOString(), source: 'syslog' },
    });
  });

  test('rsyslog repeat count reaches the denial', () => {
    const result = parseLine(`Mar 13 15:17:16 host kernel: message repeated 4 times: [ ${RECORD}]`);
    expect(result).toMatchObject({ kind: 'denial', denial: { repeat: 4, path: '/etc/fstab' } });
    if (result.kind === 'denial') expect(result.denial.log.endsWith('ouid=0')).toBe(true);
  });
});
