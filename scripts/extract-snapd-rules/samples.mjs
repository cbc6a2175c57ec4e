// Constructed denial lines (kernel formats) that one interface's rules allow (match) and a
// near miss they do not (no_match). Every line is checked against the rules before it is kept.
import { readFileSync } from 'node:fs';
import { globMatches, instantiate } from './glob.mjs';
import { CAPABILITIES, FAMILIES, PRIVILEGED_SYSCALLS } from './kernel-names.mjs';

const PROFILE = 'snap.demo.app';
let serial = 100;
const stamp = () => `audit(1700000000.${String(serial % 1000).padStart(3, '0')}:${serial++})`;

const x86_64 = new Map(
  readFileSync(new URL('../../../shared/data/libseccomp-syscalls.csv', import.meta.url), 'utf8')
    .split('\n')
    .slice(1)
    .map((row) => row.split(','))
    .filter((cols) => /^\d+$/.test(cols[3] ?? ''))
    .map((cols) => [cols[0], Number(cols[3])]),
);

export function fileLine(path, mask, owner) {
  const operation = {
    r: 'open',
    w: 'open',
    a: 'open',
    c: 'mknod',
    x: 'exec',
    m: 'file_mmap',
    k: 'file_lock',
    l: 'link',
    d: 'unlink',
  }[mask];
  return (
    `audit: type=1400 ${stamp()}: apparmor="DENIED" operation="${operation}" class="file" profile="${PROFILE}" ` +
    `name="${path}" pid=2345 comm="demo" requested_mask="${mask}" denied_mask="${mask}" fsuid=1000 ouid=${owner ? 1000 : 0}`
  );
}

function capabilityLine(name) {
  const number = CAPABILITIES.indexOf(name);
  return `audit: type=1400 ${stamp()}: apparmor="DENIED" operation="capable" class="cap" profile="${PROFILE}" pid=2345 comm="demo" capability=${number}  capname="${name}"`;
}

function networkLine(family, type) {
  return (
    `audit: type=1400 ${stamp()}: apparmor="DENIED" operation="create" class="net" profile="${PROFILE}" pid=2345 comm="demo" ` +
    `family="${family}" sock_type="${type}" protocol=0 requested_mask="create" denied_mask="create"`
  );
}

function dbusLine(event) {
  const operation = event.access === 'receive' ? 'dbus_signal' : 'dbus_method_call';
  const name = event.peerName ? ` name="${event.peerName}"` : '';
  return (
    `audit: type=1107 ${stamp()}: pid=811 uid=102 auid=4294967295 ses=4294967295 subj=unconfined msg='apparmor="DENIED" ` +
    `operation="${operation}" bus="${event.bus}" path="${event.path}" interface="${event.interface}" member="${event.member}" ` +
    `mask="${event.access}"${name} pid=2345 label="${PROFILE}" peer_pid=900 peer_label="${event.peerLabel}" ` +
    `exe="/usr/bin/dbus-daemon" sauid=102 hostname=? addr=? terminal=?'`
  );
}

const grantsDbus = (doc, e) =>
  doc.apparmor.dbus.some(
    (r) =>
      r.access.split(' ').includes(e.access) &&
      (!r.bus || r.bus === e.bus) &&
      (!r.path || globMatches(r.path, e.path)) &&
      (!r.interface || globMatches(r.interface, e.interface)) &&
      (!r.member || globMatches(r.member, e.member)) &&
      (!r.peer_label || globMatches(r.peer_label, e.peerLabel)),
  );

function dbusSamples(doc) {
  const rules = doc.apparmor.dbus.filter(
    (d) => !d.via && (d.interface || d.path) && /send|receive/.test(d.access),
  );
  for (const rule of rules) {
    const event = {
      bus: rule.bus ?? 'session',
      path: instantiate(rule.path ?? '/org/example/Object'),
      interface: instantiate(rule.interface ?? 'org.example.Interface'),
      member: rule.member ? instantiate(rule.member) : 'Get',
      access: rule.access.includes('send') ? 'send' : 'receive',
      peerName: rule.peer_name ? instantiate(rule.peer_name) : undefined,
      peerLabel: rule.peer_label ? instantiate(rule.peer_label) : 'unconfined',
    };
    if (!grantsDbus(doc, event)) continue;
    const misses = [
      { ...event, member: event.member + 'Other' },
      { ...event, interface: event.interface + '.Other' },
      { ...event, interface: 'org.example.Unrelated', path: '/org/example/Unrelated' },
      { ...event, bus: event.bus === 'system' ? 'session' : 'system' },
    ];
    const miss = misses.find((m) => !grantsDbus(doc, m));
    if (miss) return { match: dbusLine(event), no_match: dbusLine(miss) };
  }
  return undefined;
}

export function seccompLine(syscall) {
  const number = x86_64.get(syscall);
  if (number === undefined) throw new Error(`no x86_64 number for ${syscall}`);
  return (
    `audit: type=1326 ${stamp()}: auid=1000 uid=1000 gid=1000 ses=3 subj=${PROFILE} pid=2345 comm="demo" ` +
    `exe="/snap/demo/x1/bin/demo" sig=0 arch=c000003e syscall=${number} compat=0 ip=0x7f2a1c3e4b5d code=0x50001`
  );
}

const grantsFile = (doc, path, mask, owner) =>
  doc.apparmor.file.some((rule) => {
    const letters = mask === 'c' || mask === 'd' ? 'w' : mask;
    if (!rule.perms.includes(letters)) return false;
    if (rule.owner && !owner) return false;
    return globMatches(rule.path, path);
  });

// Sibling names, nearest first: the same directory with a changed name, then changed parents.
function nearPaths(path) {
  const parts = path.split('/');
  const last = parts.length - 1 - (path.endsWith('/') ? 1 : 0);
  const out = [];
  for (let i = last; i >= 1; i--) {
    for (const rename of [
      (n) => `${n}.bak`,
      (n) => `${n}x`,
      (n) => `${n}-other`,
      (n) => `x${n}`,
      (n) => `other-${n}`,
    ]) {
      const copy = [...parts];
      copy[i] = rename(copy[i]);
      out.push(copy.join('/'));
    }
  }
  return out;
}

function fileSamples(doc) {
  const rules = doc.apparmor.file.filter(
    (r) => !r.via && /[rw]/.test(r.perms) && !r.path.startsWith('/{,**}'),
  );
  // Source order (snippets start with their most characteristic rules), files before directories.
  const shallow = (rule) => {
    const path = instantiate(rule.path);
    return (path.endsWith('/') ? 2 : 0) + (path.split('/').filter(Boolean).length < 2 ? 1 : 0);
  };
  const ranked = [...rules].sort((a, b) => shallow(a) - shallow(b));
  for (const rule of ranked) {
    const path = instantiate(rule.path);
    const mask = rule.perms.includes('r') ? 'r' : 'w';
    if (!grantsFile(doc, path, mask, true)) continue;
    const owner = Boolean(rule.owner);
    if (!grantsFile(doc, path, mask, owner)) continue;
    const missing = ['w', 'r'].find((m) => !grantsFile(doc, path, m, true));
    if (missing)
      return {
        match: fileLine(path, mask, owner),
        no_match: fileLine(path, missing === 'w' ? 'w' : 'r', true),
      };
    const sibling = nearPaths(path).find((p) => !grantsFile(doc, p, mask, true));
    if (sibling) return { match: fileLine(path, mask, owner), no_match: fileLine(sibling, mask, true) };
  }
  return undefined;
}

function otherSamples(doc) {
  const { apparmor } = doc;
  const caps = apparmor.capability.filter((c) => c !== '*');
  if (caps.length > 0 && !apparmor.capability.includes('*')) {
    const miss = ['sys_admin', 'net_admin', 'sys_module', 'sys_rawio', 'dac_override'].find(
      (c) => !caps.includes(c),
    );
    return { match: capabilityLine(caps[0]), no_match: capabilityLine(miss) };
  }
  const net = apparmor.network.find((n) => n.family !== '*' && !n.via);
  if (net) {
    const granted = new Set(apparmor.network.map((n) => n.family));
    const miss = FAMILIES.find((f) => !granted.has(f) && !granted.has('*'));
    if (miss)
      return {
        match: networkLine(net.family, net.type ?? 'raw'),
        no_match: networkLine(miss, net.type ?? 'raw'),
      };
  }
  return dbusSamples(doc);
}

function seccompSamples(doc) {
  const names = doc.seccomp.map((line) => line.split(' ')[0]).filter((n) => !n.startsWith('~'));
  const chosen = names.find((n) => PRIVILEGED_SYSCALLS.includes(n) && x86_64.has(n));
  if (!chosen) return undefined;
  const miss = PRIVILEGED_SYSCALLS.find((n) => !names.includes(n) && x86_64.has(n));
  return { match: seccompLine(chosen), no_match: seccompLine(miss) };
}

// major numbers of well-known character devices; others get one from the dynamic range
const MAJORS = [
  [/^video/, 81],
  [/^(js|event|mouse|mice)/, 13],
  [/^ttyUSB/, 188],
  [/^ttyACM/, 166],
  [/^ttyS/, 4],
  [/^fb/, 29],
  [/^(card|renderD)/, 226],
  [/^i2c-/, 89],
  [/^(pcmC|controlC|timer|seq|hwC|midiC)/, 116],
  [/^(kvm|uinput|fuse|tun|hwrng|rfkill|uhid|vhost)/, 10],
  [/^nvidia/, 195],
  [/^tpm/, 10],
];

function cgroupLine(name) {
  const major = MAJORS.find(([re]) => re.test(name))?.[1] ?? 240;
  return (
    `snappy-debug-confine: type=DEVICE_CGROUP ${stamp()}: decision="DENIED" label="${PROFILE}" pid=2345 ` +
    `comm="demo" dev_type=c major=${major} minor=0 name="/dev/${name}" access="rw"`
  );
}

const tagsDevice = (doc, name) =>
  doc.devices.some((d) => (d.kernel ? globMatches(d.kernel, name) : d.subsystem !== undefined));

/** A device-cgroup denial for the first device pattern with a kernel name, and a device it does not tag. */
function deviceSamples(doc) {
  // A pattern that also names a subsystem needs the device's real major to be recognised.
  const device = doc.devices.find((d) => d.kernel && !d.subsystem && !d.subsystems && !d.attrs && !d.env);
  if (!device) return undefined;
  const name = instantiate(device.kernel);
  if (name.includes('/') || !tagsDevice(doc, name)) return undefined;
  const miss = ['kvm', 'fb0', 'video0', 'ttyUSB0', 'uinput'].find((n) => !tagsDevice(doc, n));
  return miss ? { match: cgroupLine(name), no_match: cgroupLine(miss) } : undefined;
}

export function buildSamples(doc, warn) {
  serial = 100; // every file numbers its own samples, so re-running gives stable output
  const found = fileSamples(doc) ?? otherSamples(doc) ?? seccompSamples(doc);
  if (!found) {
    warn('no sample could be constructed');
    return { match: [], no_match: [] };
  }
  // Seccomp and device-cgroup grants get their own pair when the first pair is about something else.
  const syscalls = found.match.includes('type=1326') ? undefined : seccompSamples(doc);
  const extra = [syscalls, deviceSamples(doc)].filter((pair) => pair !== undefined);
  return {
    match: [found.match, ...extra.map((pair) => pair.match)],
    no_match: [found.no_match, ...extra.map((pair) => pair.no_match)],
  };
}
