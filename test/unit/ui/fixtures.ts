import type { Denial } from '../../../src/model/denial.js';

/** A file denial of snap.SNAP.APP at SECONDS (audit stamp). */
export function fileDenial(
  snap: string,
  app: string,
  path: string,
  seconds: number,
  extra: Partial<Denial> = {},
): Denial {
  const log = `apparmor="DENIED" operation="open" profile="snap.${snap}.${app}" name="${path}" pid=${seconds} comm="${app}" requested_mask="r" denied_mask="r"`;
  return {
    kind: 'apparmor',
    log,
    raw: `audit: type=1400 audit(${seconds}.000:1): ${log}`,
    decision: 'DENIED',
    label: `snap.${snap}.${app}`,
    snap,
    instance: snap,
    app,
    operation: 'open',
    path,
    requestedMask: 'r',
    deniedMask: 'r',
    pid: seconds,
    comm: app,
    auditStamp: { seconds, millis: 0, serial: 1 },
    ...extra,
  };
}

export function syscallDenial(
  snap: string,
  app: string,
  number: number,
  seconds: number,
  name?: string,
): Denial {
  const log = `auid=1000 uid=1000 subj=snap.${snap}.${app} pid=${seconds} comm="${app}" sig=0 arch=c000003e syscall=${number} compat=0 code=0x50000`;
  return {
    kind: 'seccomp',
    log,
    raw: `audit: type=1326 audit(${seconds}.000:2): ${log}`,
    decision: 'DENIED',
    snap,
    instance: snap,
    app,
    pid: seconds,
    comm: app,
    syscall: { number, auditArch: 'c000003e', arch: 'x86_64', compat: 0, ...(name ? { name } : {}) },
    auditStamp: { seconds, millis: 0, serial: 2 },
  };
}

export function deviceDenial(snap: string, app: string, seconds: number): Denial {
  const log = `decision="DENIED" label="snap.${snap}.${app}" pid=${seconds} comm="cat" dev_type=c major=1 minor=11 name="/dev/kmsg" access="rw"`;
  return {
    kind: 'cgroup',
    log,
    raw: `snappy-debug-confine: type=DEVICE_CGROUP audit(${seconds}.000:3): ${log}`,
    decision: 'DENIED',
    snap,
    instance: snap,
    app,
    pid: seconds,
    comm: 'cat',
    device: { type: 'c', major: 1, minor: 11, name: '/dev/kmsg', access: 'rw' },
    auditStamp: { seconds, millis: 0, serial: 3 },
  };
}
