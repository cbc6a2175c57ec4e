// Writes a syslog-style file of N lines of which about 2% are AppArmor or seccomp denials.
// Deterministic (seeded), so every run of the benchmark reads the same bytes.
import { createWriteStream } from 'node:fs';

export async function generateSyslog(path, lines = 1_000_000, denialShare = 0.02) {
  let seed = 0x5eed;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const noise = [
    (i) => `systemd[1]: Started session-${i % 977}.scope - Session ${i % 977} of User ubuntu.`,
    (i) => `NetworkManager[812]: <info>  [17638${i % 100000}.1234] device (wlp2s0): state change: activated -> activated`,
    (i) => `kernel: [ ${(i / 100).toFixed(6)}] usb 1-${i % 9}: new high-speed USB device number ${i % 120} using xhci_hcd`,
    (i) => `CRON[${10000 + (i % 5000)}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)`,
    (i) => `gnome-shell[2212]: Window manager warning: Overwriting existing binding of keysym ${i % 90} with keysym ${i % 91}`,
  ];
  const denials = [
    (i) => `kernel: [ ${(i / 100).toFixed(6)}] audit: type=1400 audit(1763805600.${i % 1000}:${i}): apparmor="DENIED" operation="open" class="file" profile="snap.foo.app" name="/etc/shadow" pid=${1000 + (i % 30000)} comm="foo" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0`,
    (i) => `kernel: [ ${(i / 100).toFixed(6)}] audit: type=1326 audit(1763805600.${i % 1000}:${i}): auid=1000 uid=1000 gid=1000 ses=3 subj=snap.foo.app (enforce) pid=${1000 + (i % 30000)} comm="foo" exe="/snap/foo/12/bin/foo" sig=0 arch=c000003e syscall=${[49, 165, 101, 314][i % 4]} compat=0 ip=0x7f3a2b1c4d5e code=0x50000`,
    (i) => `kernel: [ ${(i / 100).toFixed(6)}] audit: type=1400 audit(1763805600.${i % 1000}:${i}): apparmor="DENIED" operation="create" class="net" profile="snap.bar.daemon" pid=${1000 + (i % 30000)} comm="bar" family="netlink" sock_type="raw" protocol=15 requested_mask="create" denied_mask="create"`,
    (i) => `kernel: [ ${(i / 100).toFixed(6)}] audit: type=1400 audit(1763805600.${i % 1000}:${i}): apparmor="DENIED" operation="capable" class="cap" profile="snap.bar.daemon" pid=${1000 + (i % 30000)} comm="bar" capability=12 capname="net_admin"`,
  ];
  const out = createWriteStream(path);
  let buffer = '';
  for (let i = 0; i < lines; i++) {
    const second = String(i % 60).padStart(2, '0');
    const prefix = `Nov 22 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${second} host `;
    const make = random() < denialShare ? denials[i % denials.length] : noise[i % noise.length];
    buffer += `${prefix}${make(i)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise((r) => out.once('drain', r));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise((r) => out.end(r));
}
