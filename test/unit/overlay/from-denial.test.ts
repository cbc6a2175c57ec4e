import { beforeAll, describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { overlayChoices } from '../../../src/overlay/from-denial.js';
import { describeEntry } from '../../../src/overlay/overlay.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { loadRules } from '../../../src/suggest/index.js';

// Real records: the first from our launcher on this kernel, the others from the public reports
// cited in test/fixtures/corpus/denials.yaml and test/fixtures/lines/real-world.yaml.
const LINES = {
  cgroup:
    'snappy-debug-confine: type=DEVICE_CGROUP audit(1795354327.573:1): decision="DENIED" label="snap.sd-ovl-try.app" pid=983 comm="snap-app" dev_type=c major=1 minor=11 name="/dev/kmsg" access="w"',
  seccompLocal:
    'audit: type=1326 audit(1795354327.565:234528): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=983 comm="snap-app" exe="/snap/sd-ovl-try/x1/bin/snap-app" sig=0 arch=c000003e syscall=251 compat=0 ip=0x4448e9 code=0x50000',
  seccomp:
    '[ 4753.457736] audit: type=1326 audit(1631654267.163:3125): auid=1000 uid=1000 gid=1000 ses=3 subj=snap.mattermost-desktop.mattermost-desktop pid=157459 comm="mattermost-desk" exe="/snap/mattermost-desktop/379/opt/Mattermost/mattermost-desktop" sig=0 arch=c000003e syscall=203 compat=0 ip=0x7f3e636d7c7f code=0x50000',
  file: 'apparmor="DENIED" operation="open" profile="snap.htop.htop" name="/proc/tty/drivers" pid=31500 comm="htop" requested_mask="r" denied_mask="r" fsuid=0 ouid=0',
  procPid:
    'apparmor="DENIED" operation="open" profile="snap.htop.htop" name="/proc/30670/cmdline" pid=31500 comm="htop" requested_mask="r" denied_mask="r" fsuid=0 ouid=0',
  mknod:
    'Jul 13 10:54:16 slate kernel: [154418.485802] audit: type=1400 audit(1531445056.703:916): apparmor="DENIED" operation="mknod" profile="snap.indicator-sensors.indicator-sensors" name="/home/amurray/snap/indicator-sensors/44/.config/indicator-sensors/sensors.C1T9LZ" pid=2644 comm="indicator-senso" requested_mask="c" denied_mask="c" fsuid=1000 ouid=1000',
  capability:
    'audit: type=1400 audit(1653430931.795:463389): apparmor="DENIED" operation="capable" profile="snap.microk8s.daemon-apiserver-kicker" pid=1960814 comm="modprobe" capability=16  capname="sys_module"',
  network:
    'audit: type=1400 audit(1700000000.000:1): apparmor="DENIED" operation="create" profile="snap.keepassxc.keepassxc" pid=2 comm="keepassxc" family="netlink" sock_type="raw" protocol=15 requested_mask="create" denied_mask="create"',
  dbus: `Jan 30 15:34:29 ubuntu kernel: [24749.903525] audit: type=1107 audit(1612017269.392:44): pid=1236 uid=103 auid=4294967295 ses=4294967295 subj=unconfined msg='apparmor="DENIED" operation="dbus_method_call"  bus="system" path="/" interface="org.freedesktop.DBus.ObjectManager" member="GetManagedObjects" mask="send" name="org.bluez" pid=21631 label="snap.standard-notes.standard-notes"'`,
  dbusBind:
    'May 23 11:24:37 host dbus-daemon[1349]: apparmor="DENIED" operation="dbus_bind"  bus="session" name="org.mpris.MediaPlayer2.tidal-hifi" mask="bind" pid=6014 label="snap.tidal-hifi.tidal-hifi"',
  ptrace:
    'apparmor="DENIED" operation="ptrace" profile="snap.htop.htop" pid=31500 comm="htop" requested_mask="read" denied_mask="read" peer="libvirtd"',
  signal:
    'Jan 13 20:02:19 cosx kernel: audit: type=1400 audit(1736787739.952:315385): apparmor="DENIED" operation="signal" class="signal" profile="firejail-default" pid=212626 comm="ThreadPoolSingl" requested_mask="send" denied_mask="send" signal=term peer="chrome//&firejail-default"',
} as const;

let enricher: Enricher;
beforeAll(() => {
  enricher = new Enricher(loadRules('rules'));
});

function denial(line: string): Denial {
  const parsed = parseLine(line);
  if (parsed.kind !== 'denial') throw new Error(`not a denial: ${line}`);
  return enricher.enrich(parsed.denial);
}

const choices = (line: string): string[] => overlayChoices(denial(line)).map(describeEntry);

describe('overlayChoices: the exact rule first, then the suggested interfaces in rank order', () => {
  it('device cgroup: the device with its node, then log-observe', () => {
    const all = overlayChoices(denial(LINES.cgroup));
    expect(all[0]).toEqual({
      kind: 'device',
      type: 'c',
      major: 1,
      minor: 11,
      node: '/dev/kmsg',
      reason: 'device c 1:11 /dev/kmsg w by snap.sd-ovl-try.app',
    });
    expect(all.map(describeEntry)).toEqual(['device: c 1:11 (/dev/kmsg)', 'connect: log-observe']);
  });

  it('seccomp: the syscall line, then the interfaces that allow it', () => {
    expect(overlayChoices(denial(LINES.seccompLocal))[0]).toEqual({
      kind: 'seccomp',
      line: 'ioprio_set',
      reason: 'seccomp ioprio_set by snap sd-ovl-try',
    });
    expect(choices(LINES.seccompLocal)[1]).toBe('connect: docker-support');
    expect(choices(LINES.seccomp)).toEqual(['seccomp: sched_setaffinity', 'connect: process-control']);
  });

  it('AppArmor file: PATH PERMS, with /proc/PID as @{PROC}/@{pid} and create as w', () => {
    expect(choices(LINES.file)).toEqual([
      'apparmor: /proc/tty/drivers r,',
      'connect: system-observe',
      'connect: modem-manager',
      'connect: raw-usb',
    ]);
    expect(choices(LINES.procPid)).toEqual([
      'apparmor: @{PROC}/@{pid}/cmdline r,',
      'connect: system-observe',
    ]);
    expect(choices(LINES.mknod)[0]).toBe(
      'apparmor: /home/amurray/snap/indicator-sensors/44/.config/indicator-sensors/sensors.C1T9LZ w,',
    );
  });

  it('AppArmor capability, network, D-Bus, ptrace and signal rules', () => {
    expect(choices(LINES.capability)).toEqual([
      'apparmor: capability sys_module,',
      'connect: kernel-module-control',
    ]);
    expect(choices(LINES.network)[0]).toBe('apparmor: network netlink raw,');
    expect(choices(LINES.dbus)).toEqual([
      'apparmor: dbus (send) bus=system path=/ interface=org.freedesktop.DBus.ObjectManager member=GetManagedObjects peer=(name=org.bluez),',
      'connect: bluez',
    ]);
    expect(choices(LINES.ptrace)).toEqual([
      'apparmor: ptrace (read) peer=libvirtd,',
      'connect: system-observe',
    ]);
    expect(choices(LINES.signal)[0]).toBe(
      'apparmor: signal (send) set=(term) peer=chrome//&firejail-default,',
    );
  });

  it('leaves out slot-side suggestions: an MPRIS name is bound by providing the slot, not by a plug', () => {
    const d = denial(LINES.dbusBind);
    expect(d.suggestions?.some((s) => s.slotsLine !== undefined)).toBe(true);
    expect(overlayChoices(d).map(describeEntry)).toEqual([
      'apparmor: dbus (bind) bus=session name=org.mpris.MediaPlayer2.tidal-hifi,',
    ]);
  });

  it('a seccomp record whose number the tables do not know has no exact rule', () => {
    const unknown = LINES.seccomp.replace('syscall=203', 'syscall=4000');
    expect(overlayChoices(denial(unknown)).filter((e) => e.kind === 'seccomp')).toEqual([]);
  });
});
