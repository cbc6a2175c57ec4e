// Writes a syslog-style file of N lines of which about 2% are AppArmor or seccomp denials.
// Deterministic (seeded), so every run of the benchmark reads the same bytes.
//
// The denials look like a real machine's: several snaps and apps, a few hundred distinct
// denials (files under /etc, /proc/PID, /sys, /dev and home; capabilities; D-Bus; unix and
// netlink sockets; seccomp on many syscalls, some from i386 processes), logged by processes
// that come and go. Each process has its own pid and (seccomp) its own ip= (ASLR), and repeats
// a few of its app's denials a few times. With `distinct`, every denial differs beyond its pid
// (its own path or executable): the worst case for anything that learns from repeats.
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Bumped whenever the generated text changes: files made by another version are made again. */
const VERSION = 'realistic-2';

const SNAPS = [
  { snap: 'firefox', apps: ['firefox', 'geckodriver'], exe: 'usr/lib/firefox/firefox' },
  { snap: 'spotify', apps: ['spotify'], exe: 'usr/share/spotify/spotify' },
  { snap: 'code', apps: ['code', 'url-handler'], exe: 'usr/share/code/code' },
  { snap: 'lxd', apps: ['daemon', 'lxc', 'hook.configure'], exe: 'bin/lxd' },
  { snap: 'vlc', apps: ['vlc'], exe: 'usr/bin/vlc' },
  { snap: 'multipass', apps: ['multipassd', 'multipass'], exe: 'bin/multipassd' },
  { snap: 'slack', apps: ['slack'], exe: 'usr/lib/slack/slack' },
  { snap: 'steam', apps: ['steam'], exe: 'usr/lib/steam/steam', i386: true },
];

const FILES = [
  ['/etc/shadow', 'r'],
  ['/etc/ssl/openssl.cnf', 'r'],
  ['/etc/machine-id', 'r'],
  ['/etc/fstab', 'r'],
  ['/etc/pulse/client.conf', 'r'],
  ['/etc/udev/udev.conf', 'r'],
  ['/etc/passwd', 'w'],
  ['/proc/PID/mountinfo', 'r'],
  ['/proc/PID/cgroup', 'r'],
  ['/proc/PID/oom_score_adj', 'w'],
  ['/proc/PID/environ', 'r'],
  ['/proc/sys/kernel/yama/ptrace_scope', 'r'],
  ['/proc/cpuinfo', 'r'],
  ['/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq', 'r'],
  ['/sys/class/power_supply/BAT0/capacity', 'r'],
  ['/sys/fs/cgroup/user.slice/memory.max', 'r'],
  ['/sys/bus/usb/devices/1-2/idVendor', 'r'],
  ['/sys/class/drm/card0/device/vendor', 'r'],
  ['/dev/video0', 'rw'],
  ['/dev/input/event3', 'r'],
  ['/dev/hidraw0', 'rw'],
  ['/dev/dri/renderD128', 'rw'],
  ['/dev/shm/pulse-shm-1234', 'rwk'],
  ['/dev/ttyUSB0', 'rw'],
  ['/home/ubuntu/.config/autostart/', 'r'],
  ['/home/ubuntu/.ssh/id_rsa', 'r'],
  ['/home/ubuntu/.gitconfig', 'r'],
  ['/home/ubuntu/Downloads/report.pdf', 'r'],
  ['/home/ubuntu/.local/share/recently-used.xbel', 'rw'],
  ['/run/user/1000/bus', 'rw'],
  ['/run/udev/data/c189:1', 'r'],
  ['/var/lib/snapd/hostfs/usr/share/fonts/', 'r'],
];
const CAPABILITIES = [
  [12, 'net_admin'],
  [21, 'sys_admin'],
  [19, 'sys_ptrace'],
  [2, 'dac_read_search'],
  [13, 'net_raw'],
  [23, 'sys_nice'],
];
const DBUS = [
  [
    'system',
    '/org/freedesktop/hostname1',
    'org.freedesktop.DBus.Properties',
    'GetAll',
    'org.freedesktop.hostname1',
  ],
  [
    'system',
    '/org/freedesktop/NetworkManager',
    'org.freedesktop.NetworkManager',
    'GetDevices',
    'org.freedesktop.NetworkManager',
  ],
  [
    'session',
    '/org/freedesktop/Notifications',
    'org.freedesktop.Notifications',
    'Notify',
    'org.freedesktop.Notifications',
  ],
  [
    'session',
    '/org/gnome/SettingsDaemon/MediaKeys',
    'org.gnome.SettingsDaemon.MediaKeys',
    'GrabMediaPlayerKeys',
    'org.gnome.SettingsDaemon.MediaKeys',
  ],
  [
    'system',
    '/org/freedesktop/login1',
    'org.freedesktop.login1.Manager',
    'Inhibit',
    'org.freedesktop.login1',
  ],
];
const SOCKETS = [
  ['create', 'net', 'family="netlink" sock_type="raw" protocol=15', 'create'],
  ['create', 'net', 'family="netlink" sock_type="dgram" protocol=0', 'create'],
  ['create', 'net', 'family="bluetooth" sock_type="seqpacket" protocol=0', 'create'],
  ['connect', 'unix', 'family="unix" sock_type="stream" protocol=0 addr="@/tmp/.X11-unix/X0"', 'connect'],
  ['bind', 'unix', 'family="unix" sock_type="dgram" protocol=0 addr="@snap.foo.sock"', 'bind'],
];
const SYSCALLS_64 = [49, 165, 101, 314, 310, 272, 161, 166, 155, 250, 321, 298, 175, 313, 303, 139, 308, 248];
const SYSCALLS_32 = [26, 21, 52, 341, 120, 347, 374, 359];

/** The denials one app can log, as functions of (process, serial stamp, distinct index). */
function shapesOf(snap, app, random) {
  const label = `snap.${snap.snap}.${app}`;
  const comm = app.replace('hook.', '').slice(0, 15);
  const exe = (n) => `/snap/${snap.snap}/${100 + n}/${snap.exe}`;
  const pick = (list, count) => Array.from({ length: count }, () => list[Math.floor(random() * list.length)]);
  const shapes = [];
  for (const [path, mask] of pick(FILES, 8)) {
    shapes.push(
      (p, n) =>
        `apparmor="DENIED" operation="open" class="file" profile="${label}" name="${path.replace('PID', p.pid)}${n}" pid=${p.pid} comm="${comm}" requested_mask="${mask}" denied_mask="${mask}" fsuid=1000 ouid=${path.startsWith('/home') ? 1000 : 0}`,
    );
  }
  for (const [number, name] of pick(CAPABILITIES, 2)) {
    shapes.push(
      (p, n) =>
        `apparmor="DENIED" operation="capable" class="cap" profile="${label}${n}" pid=${p.pid} comm="${comm}" capability=${number} capname="${name}"`,
    );
  }
  for (const [operation, cls, socket, mask] of pick(SOCKETS, 1)) {
    shapes.push(
      (p, n) =>
        `apparmor="DENIED" operation="${operation}" class="${cls}" profile="${label}${n}" pid=${p.pid} comm="${comm}" ${socket} requested_mask="${mask}" denied_mask="${mask}"`,
    );
  }
  for (const [bus, path, iface, member, name] of pick(DBUS, 1)) {
    shapes.push((p, n) => ({
      type: 1107,
      body: `pid=${bus === 'system' ? 712 : 2210} uid=${bus === 'system' ? 103 : 1000} auid=4294967295 ses=4294967295 subj=unconfined msg='apparmor="DENIED" operation="dbus_method_call"  bus="${bus}" path="${path}${n}" interface="${iface}" member="${member}" mask="send" name="${name}" pid=${p.pid} label="${label}" peer_pid=${bus === 'system' ? 790 : 2301} peer_label="unconfined"  exe="/usr/bin/dbus-daemon" sauid=103 hostname=? addr=? terminal=?'`,
    }));
  }
  const i386 = snap.i386 === true;
  for (const number of pick(i386 ? SYSCALLS_32 : SYSCALLS_64, 5)) {
    shapes.push((p, n) => ({
      type: 1326,
      body: `auid=1000 uid=1000 gid=1000 ses=3 subj=${label} (enforce) pid=${p.pid} comm="${comm}" exe="${exe(n)}" sig=0 arch=${i386 ? '40000003' : 'c000003e'} syscall=${number} compat=${i386 ? 1 : 0} ip=0x${(p.aslr + number * 16).toString(16)} code=0x50000`,
    }));
  }
  return shapes;
}

export async function generateSyslog(path, lines = 1_000_000, denialShare = 0.02, { distinct = false } = {}) {
  let seed = 0x5eed;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const noise = [
    (i) => `systemd[1]: Started session-${i % 977}.scope - Session ${i % 977} of User ubuntu.`,
    (i) =>
      `NetworkManager[812]: <info>  [17638${i % 100000}.1234] device (wlp2s0): state change: activated -> activated`,
    (i) =>
      `kernel: [ ${(i / 100).toFixed(6)}] usb 1-${i % 9}: new high-speed USB device number ${i % 120} using xhci_hcd`,
    (i) => `CRON[${10000 + (i % 5000)}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)`,
    (i) =>
      `gnome-shell[2212]: Window manager warning: Overwriting existing binding of keysym ${i % 90} with keysym ${i % 91}`,
  ];
  const apps = SNAPS.flatMap((snap) =>
    snap.apps.map((app) => ({ app, shapes: shapesOf(snap, app, random) })),
  );
  let nextPid = 3000;
  /** A process: its pid, its ASLR base, and the denials it still has to log (each a few times). */
  const spawn = () => {
    const { shapes } = apps[Math.floor(random() * apps.length)];
    const queue = [];
    const count = 1 + Math.floor(random() * 5);
    for (let k = 0; k < count; k++) {
      const shape = shapes[Math.floor(random() * shapes.length)];
      const repeats = 1 + Math.floor(random() * 5);
      for (let r = 0; r < repeats; r++) queue.push(shape);
    }
    nextPid += 1 + Math.floor(random() * 40);
    return { pid: nextPid, aslr: 0x7f0000000000 + Math.floor(random() * 0xffffff) * 4096, queue };
  };
  const running = Array.from({ length: 6 }, spawn);
  let serial = 4000;
  let distinctIndex = 0;

  const out = createWriteStream(path);
  let buffer = '';
  for (let i = 0; i < lines; i++) {
    const second = String(i % 60).padStart(2, '0');
    const prefix = `Nov 22 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${second} host `;
    let message;
    if (random() < denialShare) {
      const slot = Math.floor(random() * running.length);
      const process = running[slot];
      const made = process.queue.shift()(process, distinct ? `-${distinctIndex++}` : '');
      if (process.queue.length === 0) running[slot] = spawn();
      const { type, body } = typeof made === 'string' ? { type: 1400, body: made } : made;
      serial++;
      message = `kernel: [ ${(i / 100).toFixed(6)}] audit: type=${type} audit(${1763805600 + Math.floor(i / 100)}.${String(i % 1000).padStart(3, '0')}:${serial}): ${body}`;
    } else {
      message = noise[i % noise.length](i);
    }
    buffer += `${prefix}${message}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise((r) => out.once('drain', r));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise((r) => out.end(r));
}

/**
 * Makes the file unless it exists and was made by this version of the generator with the same
 * options (noted in PATH.gen next to it), so a stale benchmark log is never timed.
 */
export async function ensureSyslog(path, options = {}) {
  const stamp = `${VERSION} ${JSON.stringify(options)}\n`;
  const stampPath = `${path}.gen`;
  if (existsSync(path) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) return;
  await generateSyslog(path, undefined, undefined, options);
  writeFileSync(stampPath, stamp);
}
