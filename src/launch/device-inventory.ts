/** The device nodes this system has, read from /sys/class/SUBSYSTEM/KERNEL/{dev,uevent}. */
import { readdirSync, readFileSync } from 'node:fs';
import type { DeviceNode } from '../snap/policy.js';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
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
      const dev = read(`${sysClass}/${subsystem}/${kernel}/dev`);
      const m = dev === undefined ? null : /^(\d+):(\d+)$/.exec(dev.trim());
      if (!m) continue;
      const uevent = read(`${sysClass}/${subsystem}/${kernel}/uevent`) ?? '';
      const devname = /^DEVNAME=(.+)$/m.exec(uevent)?.[1] ?? kernel;
      nodes.push({
        subsystem,
        kernel,
        devname,
        type: subsystem === 'block' ? 'b' : 'c',
        major: Number(m[1]),
        minor: Number(m[2]),
      });
    }
  }
  return nodes;
}
