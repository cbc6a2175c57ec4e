// The log lines bench/tui.mjs and bench/frames.mjs load into the UI: group `group`'s event number
// `serial`, of one of five kinds (AppArmor file three times in five, seccomp, device cgroup).
export const KINDS = ['apparmor', 'apparmor', 'apparmor', 'seccomp', 'cgroup'];
export const BASE_SECONDS = 1_773_415_036;

/** The log line of an event of group `group` at `seconds`, as the kernel or the launcher writes it. */
export function line(group, seconds, serial) {
  const kind = KINDS[group % KINDS.length];
  const snap = `snap${group % 100}`;
  const pid = 1000 + (serial % 30000);
  const stamp = `audit(${seconds}.${String(serial % 1000).padStart(3, '0')}:${serial})`;
  if (kind === 'seccomp') {
    return (
      `audit: type=1326 ${stamp}: auid=1000 uid=1000 gid=1000 ses=3 subj=snap.${snap}.app (enforce) ` +
      `pid=${pid} comm="app" exe="/snap/${snap}/12/bin/app" sig=0 arch=c000003e syscall=${group} ` +
      `compat=0 ip=0x7f3a2b1c4d5e code=0x50000`
    );
  }
  if (kind === 'cgroup') {
    return (
      `snappy-debug-confine: type=DEVICE_CGROUP ${stamp}: decision="DENIED" label="snap.${snap}.app" ` +
      `pid=${pid} comm="app" dev_type=c major=${group % 256} minor=${group} access="rw"`
    );
  }
  return (
    `audit: type=1400 ${stamp}: apparmor="DENIED" operation="open" class="file" profile="snap.${snap}.app" ` +
    `name="/var/lib/data/dir${group % 1000}/file${group}" pid=${pid} comm="app" requested_mask="r" ` +
    `denied_mask="r" fsuid=1000 ouid=0`
  );
}
