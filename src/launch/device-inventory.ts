/**
 * The device nodes this system has, from /sys/class/SUBSYSTEM/KERNEL/uevent: the kernel writes
 * MAJOR, MINOR and DEVNAME there exactly for the devices that have a `dev` attribute, so one
 * read per entry does (reading `dev` and then `uevent` took twice as many system calls). An
 * entry without a readable uevent falls back to `dev`, named after its kernel name.
 */
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import type { DeviceNode } from '../snap/policy.js';

/** sysfs attributes are at most a page; a regular file in a test tree may be longer. */
const buffer = Buffer.alloc(16384);

function read(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0 || length + n === buffer.length) return buffer.toString('utf8', 0, length + n);
      length += n;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

const MAJOR = /^MAJOR=(\d+)$/m;
const MINOR = /^MINOR=(\d+)$/m;
const DEVNAME = /^DEVNAME=(.+)$/m;

/** [major, minor] and the /dev name of one entry, or undefined when it is no device node. */
function deviceOf(entry: string, kernel: string): [number, number, string] | undefined {
  const uevent = read(`${entry}/uevent`);
  if (uevent === undefined) {
    const m = /^(\d+):(\d+)$/.exec(read(`${entry}/dev`)?.trim() ?? '');
    return m ? [Number(m[1]), Number(m[2]), kernel] : undefined;
  }
  const major = MAJOR.exec(uevent)?.[1];
  const minor = MINOR.exec(uevent)?.[1];
  if (major === undefined || minor === undefined) return undefined;
  return [Number(major), Number(minor), DEVNAME.exec(uevent)?.[1] ?? kernel];
}

export function readDeviceInventory(sysClass = '/sys/class'): DeviceNode[] {
  const nodes: DeviceNode[] = [];
  let subsystems: string[];
  try {
    subsystems = readdirSync(sysClass);
  } catch {
    return nodes;
  }
  for (const subsystem of subsystems) {
    let names: string[];
    try {
      names = readdirSync(`${sysClass}/${subsystem}`);
    } catch {
      continue;
    }
    for (const kernel of names) {
      const device = deviceOf(`${sysClass}/${subsystem}/${kernel}`, kernel);
      if (device === undefined) continue;
      const [major, minor, devname] = device;
      nodes.push({ subsystem, kernel, devname, type: subsystem === 'block' ? 'b' : 'c', major, minor });
    }
  }
  return nodes;
}
