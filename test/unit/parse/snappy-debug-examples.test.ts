// The `Log:` and `Time:` texts of snappy-debug's published examples A–E
// (../shared/reference/snappy-debug.md), compared literally with what parseLine extracts from the
// syslog / journald line the kernel record arrived on.
import { describe, expect, test } from 'vitest';
import { parseLine } from '../../../src/parse/index.js';

interface Example {
  readonly name: string;
  readonly line: string;
  readonly time: string;
  readonly log: string;
}

const EXAMPLES: readonly Example[] = [
  {
    name: 'A (QRT test plan, mknod)',
    line: 'Mar 13 15:17:16 ubuntu kernel: [ 4711.123456] audit: type=1400 audit(1489418236.123:77): ',
    time: 'Mar 13 15:17:16',
    log: 'apparmor="DENIED" operation="mknod" profile="snap.hello-world.evil" name="/var/tmp/myevil.txt" pid=28941 comm="evil" requested_mask="c" denied_mask="c" fsuid=1000 ouid=1000',
  },
  {
    name: 'A (QRT test plan, open)',
    line: 'Mar 13 15:17:42 ubuntu kernel: [ 4737.000001] audit: type=1400 audit(1489418262.456:78): ',
    time: 'Mar 13 15:17:42',
    log: 'apparmor="DENIED" operation="open" profile="snap.hello-world.sh" name="/etc/fstab" pid=29215 comm="cat" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0',
  },
  {
    name: 'B (Greengrass, space-padded day)',
    line: 'Dec  6 04:48:26 ip-172-31-0-1 kernel: [  812.004711] audit: type=1400 audit(1607230106.001:120): ',
    time: 'Dec  6 04:48:26',
    log: 'apparmor="DENIED" operation="mknod" profile="snap.aws-iot-greengrass.greengrassd" name="/home/ubuntu/my-file.txt" pid=12345 comm="touch" requested_mask="c" denied_mask="c" fsuid=0 ouid=0',
  },
  {
    name: 'C (rt-app seccomp)',
    line: 'Mar 27 20:29:40 rt kernel: audit: type=1326 audit(1711571380.882:312): ',
    time: 'Mar 27 20:29:40',
    log: 'auid=1000 uid=1000 gid=1000 ses=119 subj=snap.rt-app.edf pid=37555 comm="edf" exe="/snap/rt-app/x1/bin/edf" sig=0 arch=c000003e syscall=314 compat=0 ip=0x78846c90325d code=0x7ffc0000',
  },
  {
    name: 'D (tizonia, /proc mounts)',
    line: 'Jun  2 23:11:13 laptop kernel: [ 9999.000000] audit: type=1400 audit(1496441473.100:1501): ',
    time: 'Jun  2 23:11:13',
    log: 'apparmor="DENIED" operation="open" profile="snap.tizonia.tizonia" name="/proc/29913/mounts" pid=29913 comm="audio_source" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000',
  },
  {
    name: 'E (juju via journald, file)',
    line: 'Jan 09 17:50:55 juju-host kernel: audit: type=1400 audit(1704822655.532:2330): ',
    time: 'Jan 09 17:50:55',
    log: 'apparmor="DENIED" operation="open" class="file" profile="snap.juju.juju" name="/var/lib/snapd/hostfs/etc/ca-certificates/extracted/tls-ca-bundle.pem" pid=8866 comm="juju" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0',
  },
  {
    name: 'E (juju via journald, netlink file_inherit)',
    line: 'Jan 09 17:51:01 juju-host kernel: audit: type=1400 audit(1704822661.001:2331): ',
    time: 'Jan 09 17:51:01',
    log: 'apparmor="DENIED" operation="file_inherit" class="net" namespace="root//lxd-juju-98527a-0_<var-snap-lxd-common-lxd>" profile="/snap/snapd/20290/usr/lib/snapd/snap-confine" pid=9458 comm="snap-confine" family="netlink" sock_type="raw" protocol=15 requested_mask="send receive" denied_mask="send receive"',
  },
];

describe('snappy-debug examples A–E', () => {
  test.each(EXAMPLES)('$name: Log and Time match literally', ({ line, time, log }) => {
    const result = parseLine(line + log, 'syslog');
    expect(result.kind).toBe('denial');
    if (result.kind !== 'denial') return;
    expect(result.denial.log).toBe(log);
    expect(result.denial.timeText).toBe(time);
    expect(result.denial.source).toBe('syslog');
  });

  test('A: file fields and snap label', () => {
    const result = parseLine(EXAMPLES[0]!.line + EXAMPLES[0]!.log);
    expect(result).toMatchObject({
      kind: 'denial',
      denial: {
        kind: 'apparmor',
        decision: 'DENIED',
        operation: 'mknod',
        label: 'snap.hello-world.evil',
        snap: 'hello-world',
        instance: 'hello-world',
        app: 'evil',
        path: '/var/tmp/myevil.txt',
        pid: 28941,
        comm: 'evil',
        requestedMask: 'c',
        deniedMask: 'c',
        fsuid: 1000,
        ouid: 1000,
        auditType: 1400,
        auditStamp: { seconds: 1489418236, millis: 123, serial: 77 },
        time: '2017-03-13T15:17:16.123Z',
      },
    });
  });

  test('C: seccomp fields', () => {
    const result = parseLine(EXAMPLES[3]!.line + EXAMPLES[3]!.log);
    expect(result.kind).toBe('denial');
    if (result.kind !== 'denial') return;
    const d = result.denial;
    expect(d.kind).toBe('seccomp');
    expect(d.syscall).toEqual({ number: 314, auditArch: 'c000003e', compat: 0 });
    expect(d.action).toBe('log');
    expect(d.decision).toBe('ALLOWED');
    expect([d.snap, d.app, d.label, d.exe, d.pid]).toEqual([
      'rt-app',
      'edf',
      'snap.rt-app.edf',
      '/snap/rt-app/x1/bin/edf',
      37555,
    ]);
  });

  test('E: network fields and a non-snap profile', () => {
    const result = parseLine(EXAMPLES[6]!.line + EXAMPLES[6]!.log);
    expect(result.kind).toBe('denial');
    if (result.kind !== 'denial') return;
    const d = result.denial;
    expect([d.family, d.sockType, d.protocol, d.class, d.operation]).toEqual([
      'netlink',
      'raw',
      15,
      'net',
      'file_inherit',
    ]);
    expect(d.namespace).toBe('root//lxd-juju-98527a-0_<var-snap-lxd-common-lxd>');
    expect(d.label).toBe('/snap/snapd/20290/usr/lib/snapd/snap-confine');
    expect(d.snap).toBeUndefined();
  });
});
