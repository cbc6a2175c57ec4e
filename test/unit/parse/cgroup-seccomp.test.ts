// Device-cgroup lines (our own format, shared with the launcher) and seccomp code= decoding.
import { describe, expect, test } from 'vitest';
import { decodeSeccompCode, formatCgroupDenialLine, parseLine } from '../../../src/parse/index.js';

describe('device-cgroup lines', () => {
  const kmsg = {
    decision: 'DENIED',
    label: 'snap.foo.app',
    pid: 123,
    comm: 'cat',
    device: { type: 'c', major: 1, minor: 11, name: '/dev/kmsg', access: 'rw' },
  } as const;

  test('the documented format, exactly', () => {
    expect(formatCgroupDenialLine({ ...kmsg, at: new Date(1700000000123), serial: 7 })).toBe(
      'snappy-debug-confine: type=DEVICE_CGROUP audit(1700000000.123:7): decision="DENIED" label="snap.foo.app" pid=123 comm="cat" dev_type=c major=1 minor=11 name="/dev/kmsg" access="rw"',
    );
    expect(formatCgroupDenialLine(kmsg)).toBe(
      'snappy-debug-confine: type=DEVICE_CGROUP decision="DENIED" label="snap.foo.app" pid=123 comm="cat" dev_type=c major=1 minor=11 name="/dev/kmsg" access="rw"',
    );
  });

  test('round trip through parseLine, bare and behind a syslog prefix', () => {
    const line = formatCgroupDenialLine({ ...kmsg, at: new Date(1700000000123), serial: 7 });
    for (const text of [line, `Nov 14 22:13:20 host ${line}`]) {
      const result = parseLine(text, 'launcher');
      expect(result).toMatchObject({
        kind: 'denial',
        denial: {
          kind: 'cgroup',
          auditType: 'DEVICE_CGROUP',
          decision: 'DENIED',
          label: 'snap.foo.app',
          snap: 'foo',
          app: 'app',
          pid: 123,
          comm: 'cat',
          path: '/dev/kmsg',
          device: { type: 'c', major: 1, minor: 11, name: '/dev/kmsg', access: 'rw' },
          time: '2023-11-14T22:13:20.123Z',
          auditStamp: { seconds: 1700000000, millis: 123, serial: 7 },
          source: 'launcher',
        },
      });
    }
  });

  test('devmode (ALLOWED), hooks, block devices, odd names in hex, no name', () => {
    const line = formatCgroupDenialLine({
      decision: 'ALLOWED',
      label: 'snap.foo_bar.hook.configure',
      pid: 9,
      comm: 'my tool',
      device: { type: 'b', major: 8, minor: 0, access: 'm' },
    });
    expect(line).toContain('comm=6D7920746F6F6C');
    expect(parseLine(line)).toMatchObject({
      kind: 'denial',
      denial: {
        decision: 'ALLOWED',
        instance: 'foo_bar',
        snap: 'foo',
        hook: 'configure',
        comm: 'my tool',
        device: { type: 'b', major: 8, minor: 0, access: 'm' },
      },
    });
  });

  test('a bad access string cannot be formatted', () => {
    expect(() => formatCgroupDenialLine({ ...kmsg, device: { ...kmsg.device, access: 'x' } })).toThrow(
      'cannot format device access "x"',
    );
  });

  test('incomplete lines are unparsed with the missing field named', () => {
    expect(parseLine('snappy-debug-confine: type=DEVICE_CGROUP decision="DENIED" label="snap.a.b"')).toEqual({
      kind: 'unparsed',
      reason: 'DEVICE_CGROUP line without dev_type=, major= and minor=',
    });
    expect(parseLine('snappy-debug-confine: type=DEVICE_CGROUP label="snap.a.b"')).toEqual({
      kind: 'unparsed',
      reason: 'DEVICE_CGROUP line without decision=',
    });
  });
});

describe('seccomp code=', () => {
  test.each([
    ['0x80000000', 'kill_process', 'DENIED', undefined],
    ['0x00000000', 'kill_thread', 'DENIED', undefined],
    ['0x0', 'kill_thread', 'DENIED', undefined],
    ['0x00030000', 'trap', 'DENIED', undefined],
    ['0x50000', 'errno', 'DENIED', 0],
    ['0x00050001', 'errno', 'DENIED', 1],
    ['0x7fc00000', 'user_notif', 'AUDIT', undefined],
    ['0x7ff00000', 'trace', 'AUDIT', undefined],
    ['0x7ffc0000', 'log', 'ALLOWED', undefined],
    ['0x7fff0000', 'allow', 'AUDIT', undefined],
  ])('%s is %s', (code, action, decision, actionData) => {
    expect(decodeSeccompCode(code)).toEqual({
      action,
      decision,
      ...(actionData !== undefined ? { actionData } : {}),
    });
  });

  test('unknown or malformed codes decode to nothing', () => {
    expect(decodeSeccompCode('0x12340000')).toEqual({});
    expect(decodeSeccompCode('50000')).toEqual({});
    expect(decodeSeccompCode('0xZZ')).toEqual({});
  });

  test('a seccomp record without syscall= or arch= is unparsed', () => {
    expect(parseLine('audit: type=1326 audit(1.2:3): pid=1 arch=c000003e code=0x50000')).toEqual({
      kind: 'unparsed',
      reason: 'seccomp record without a numeric syscall=',
    });
    expect(parseLine('audit: type=1326 audit(1.2:3): pid=1 syscall=2 code=0x50000')).toEqual({
      kind: 'unparsed',
      reason: 'seccomp record without a hex arch=',
    });
  });

  test('subj with a mode suffix; instance keys; hooks', () => {
    const result = parseLine(
      'audit: type=1326 audit(1.2:3): auid=1000 uid=1000 gid=1000 ses=2 subj=snap.foo_dev.hook.install (enforce) pid=5 comm="sh" exe="/snap/foo_dev/x1/bin/sh" sig=0 arch=c000003e syscall=165 compat=0 ip=0x7f code=0x50000',
    );
    expect(result).toMatchObject({
      kind: 'denial',
      denial: { label: 'snap.foo_dev.hook.install', snap: 'foo', instance: 'foo_dev', hook: 'install' },
    });
  });

  test('no subj: the snap comes from exe=/snap/NAME/REV/...', () => {
    const result = parseLine(
      'audit: type=1326 audit(1.2:3): pid=5 comm="x" exe="/snap/foo_dev/12/bin/x" arch=c000003e syscall=1 code=0x0',
    );
    expect(result).toMatchObject({
      kind: 'denial',
      denial: { snap: 'foo', instance: 'foo_dev', action: 'kill_thread' },
    });
    if (result.kind === 'denial') expect(result.denial.app).toBeUndefined();
  });

  test('auditd audit.log form, with node= and the 0x1d enrichment (the VM kmsg record of real-world.yaml in auditd clothes)', () => {
    const line =
      'node=vm type=SECCOMP msg=audit(1795345592.149:2): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=7554 comm="seccomp-trigger" exe="/work/main/native/build/helpers/seccomp-trigger" sig=0 arch=c000003e syscall=110 compat=0 ip=0x7f4bc5b66829 code=0x50000\x1dAUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=getppid';
    const result = parseLine(line, 'audit');
    expect(result).toMatchObject({
      kind: 'denial',
      denial: {
        kind: 'seccomp',
        auditType: 'SECCOMP',
        source: 'audit',
        time: '2026-11-22T11:06:32.149Z',
        syscall: { number: 110, auditArch: 'c000003e', compat: 0 },
        uid: 0,
        fields: { ARCH: 'x86_64', SYSCALL: 'getppid' },
      },
    });
    if (result.kind === 'denial') expect(result.denial.log.endsWith('code=0x50000')).toBe(true);
  });
});
