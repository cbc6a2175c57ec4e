// One record per AppArmor class, checked against our own field names. Lines are libapparmor's
// test_multi cases (../shared/conformance/apparmor-test_multi, named beside each) unless noted.
import { describe, expect, test } from 'vitest';
import { parseLine } from '../../../src/parse/index.js';

function denial(line: string) {
  const result = parseLine(line);
  if (result.kind !== 'denial') throw new Error(`not a denial: ${JSON.stringify(result)}`);
  return result.denial;
}

describe('AppArmor classes', () => {
  test('mount (testcase_mount_01)', () => {
    const d = denial(
      'type=AVC msg=audit(1409700640.016:547457): apparmor="DENIED" operation="mount" info="failed mntpnt match" error=-13 profile="/home/ubuntu/bzr/apparmor/tests/regression/apparmor/mount" name="/tmp/sdtest.19033-29001-MPfz98/mountpoint/" pid=19085 comm="mount" fstype="ext2" srcname="/dev/loop0/" flags="rw, mand"',
    );
    expect(d).toMatchObject({
      operation: 'mount',
      info: 'failed mntpnt match',
      error: -13,
      path: '/tmp/sdtest.19033-29001-MPfz98/mountpoint/',
      fstype: 'ext2',
      srcname: '/dev/loop0/',
      flags: 'rw, mand',
    });
  });

  test('userns (testcase_userns_02): AUDIT decision, target, execpath', () => {
    const d = denial(
      '[  429.272003] audit: type=1400 audit(1720613712.153:168): apparmor="AUDIT" operation="userns_create" class="namespace" info="Userns create - transitioning profile" profile="unconfined" pid=5630 comm="unshare" requested="userns_create" target="unprivileged_userns" execpath="/usr/bin/unshare"',
    );
    expect(d).toMatchObject({
      decision: 'AUDIT',
      class: 'namespace',
      requestedMask: 'userns_create',
      target: 'unprivileged_userns',
      fields: { execpath: '/usr/bin/unshare' },
    });
    expect(d.deniedMask).toBeUndefined();
  });

  test('io_uring (testcase_io_uring_02): tcontext as peer label', () => {
    const d = denial(
      '[ 4584.491076] audit: type=1400 audit(1680266735.147:63): apparmor="DENIED" operation="uring_override" class="io_uring" profile="/root/apparmor/tests/regression/apparmor/io_uring" pid=1193 comm="io_uring" requested="override_creds" denied="override_creds" tcontext="/root/apparmor/tests/regression/apparmor/io_uring"',
    );
    expect(d).toMatchObject({
      class: 'io_uring',
      requestedMask: 'override_creds',
      deniedMask: 'override_creds',
      peerLabel: '/root/apparmor/tests/regression/apparmor/io_uring',
    });
  });

  test('posix_mqueue (testcase_mqueue_02)', () => {
    const d = denial(
      'Apr 05 19:36:29 ubuntu kernel: audit: type=1400 audit(1649187389.828:262): apparmor="DENIED" operation="open" profile="/root/apparmor/tests/regression/apparmor/posix_mq_rcv" name="/queuename" pid=848 comm="posix_mq_rcv" requested="read create" denied="read" class="posix_mqueue" fsuid=0 ouid=0',
    );
    expect(d).toMatchObject({
      class: 'posix_mqueue',
      path: '/queuename',
      requestedMask: 'read create',
      deniedMask: 'read',
    });
  });

  test('unix (testcase_unix_01): addr, peer_addr, peer', () => {
    const d = denial(
      'type=AVC msg=audit(1711454639.955:322): apparmor="DENIED" operation="connect" class="net" profile="/home/user/test/client.py" pid=80819 comm="client.py" family="unix" sock_type="stream" protocol=0 requested="send receive connect" denied="send receive connect" addr=none peer_addr="@test_abstract_socket" peer="/home/user/test/server.py"',
    );
    expect(d).toMatchObject({
      family: 'unix',
      sockType: 'stream',
      protocol: 0,
      addr: 'none',
      peerAddr: '@test_abstract_socket',
      peer: '/home/user/test/server.py',
    });
  });

  test('unix with peer_label and a snap label (constructed from the kernel format)', () => {
    const d = denial(
      'audit: type=1400 audit(1700000000.000:1): apparmor="DENIED" operation="connect" class="unix" profile="snap.foo_x1.app" pid=7 comm="foo" family="unix" sock_type="stream" protocol=0 requested_mask="send receive connect" denied_mask="send receive connect" addr=none peer_addr="/run/dbus/system_bus_socket" peer_label="unconfined"',
    );
    expect(d).toMatchObject({
      class: 'unix',
      snap: 'foo',
      instance: 'foo_x1',
      app: 'app',
      peerLabel: 'unconfined',
      peerAddr: '/run/dbus/system_bus_socket',
    });
  });

  test('signal (testcase_signal_01) and ptrace (ptrace_no_denied_mask)', () => {
    expect(
      denial(
        'type=AVC msg=audit(1409438250.564:201): apparmor="DENIED" operation="signal" profile="/usr/bin/pulseaudio" pid=2531 comm="pulseaudio" requested_mask="send" denied_mask="send" signal=term peer="/usr/bin/pulseaudio///usr/lib/pulseaudio/pulse/gconf-helper"',
      ),
    ).toMatchObject({ signal: 'term', peer: '/usr/bin/pulseaudio///usr/lib/pulseaudio/pulse/gconf-helper' });
    expect(
      denial(
        'type=AVC msg=audit(1495217772.047:4471): apparmor="DENIED" operation="ptrace" profile="/usr/bin/pidgin" pid=21704 comm="pidgin" peer="unconfined"',
      ),
    ).toMatchObject({ operation: 'ptrace', peer: 'unconfined' });
  });

  test('dbus via syslog (testcase_dbus_03): peer_profile and peer_pid', () => {
    const d = denial(
      'Jul 31 17:11:58 dbusdev-saucy-amd64 dbus[1692]: apparmor="DENIED" operation="dbus_signal"  bus="session" name="com.apparmor.Test" path="/com/apparmor/Test" interface="com.apparmor.Test" member="Signal" mask="receive" pid=2945 profile="/tmp/apparmor-2.8.0/tests/regression/apparmor/dbus_service" peer_pid=2947 peer_profile="unconfined"',
    );
    expect(d.dbus).toEqual({
      bus: 'session',
      name: 'com.apparmor.Test',
      path: '/com/apparmor/Test',
      interface: 'com.apparmor.Test',
      member: 'Signal',
      mask: 'receive',
    });
    expect([d.path, d.peerLabel, d.peerPid, d.auditStamp, d.timeText]).toEqual([
      undefined,
      'unconfined',
      2947,
      undefined,
      'Jul 31 17:11:58',
    ]);
  });

  test('change_onexec with a negative error and namespace (change_onexec_lp1648143)', () => {
    const d = denial(
      '[103975.623545] audit: type=1400 audit(1481284511.494:2807): apparmor="DENIED" operation="change_onexec" info="no new privs" error=-1 namespace="root//lxd-tor_<var-lib-lxd>" profile="unconfined" name="system_tor" pid=18593 comm="(tor)" target="system_tor"',
    );
    expect(d).toMatchObject({
      error: -1,
      namespace: 'root//lxd-tor_<var-lib-lxd>',
      target: 'system_tor',
      comm: '(tor)',
    });
  });

  test('old kernels: decision from the audit type (testcase14, testcase_dmesg_rename_src)', () => {
    expect(
      denial(
        'Sep  7 17:47:53 gutsy-server kernel: audit(1189201672.746:537): type=1503 operation="file_lock" requested_mask="k" denied_mask="k" name="/var/run/samba/unexpected.tdb" pid=4316 profile="/usr/sbin/nmbd"',
      ),
    ).toMatchObject({ decision: 'DENIED', auditType: 1503 });
    expect(
      denial(
        '[  878.663410] audit: type=1502 audit(1282626827.320:412): operation="rename_src" pid=1881 parent=650 profile="/usr/sbin/sshd" requested_mask="r::" denied_mask="r::" fsuid=0 ouid=0 name="/var/run/motd.new"',
      ),
    ).toMatchObject({ decision: 'ALLOWED', auditType: 1502 });
  });
});
