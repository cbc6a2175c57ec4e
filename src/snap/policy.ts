/**
 * The policy we generate for one app: seccomp source (default template + connected plugs'
 * lines) and the device allow list (defaults + devices the connected plugs' udev patterns select
 * in the device inventory). Pure.
 */
import type { InterfaceRule } from '../suggest/rules.js';
import { udevKernelRegExp } from './udev-glob.js';

/** A device node the system has: from /sys/class/SUBSYSTEM/KERNEL/dev and its uevent DEVNAME. */
export interface DeviceNode {
  readonly subsystem: string;
  /** Kernel name, the one udev's KERNEL== matches (e.g. `tun`). */
  readonly kernel: string;
  /** Path under /dev (e.g. `net/tun`). */
  readonly devname: string;
  readonly type: 'c' | 'b';
  readonly major: number;
  readonly minor: number;
}

export interface DeviceRule {
  readonly type: 'c' | 'b';
  readonly major: number;
  /** '*': any minor. */
  readonly minor: number | '*';
  /** /dev path when known. */
  readonly name?: string;
  /** `default` or the interface that adds it. */
  readonly origin: string;
}

/** snap-confine's fixed allow list (facts §3). */
export const DEFAULT_DEVICES: readonly DeviceRule[] = [
  { type: 'c', major: 1, minor: 3, name: '/dev/null', origin: 'default' },
  { type: 'c', major: 1, minor: 5, name: '/dev/zero', origin: 'default' },
  { type: 'c', major: 1, minor: 7, name: '/dev/full', origin: 'default' },
  { type: 'c', major: 1, minor: 8, name: '/dev/random', origin: 'default' },
  { type: 'c', major: 1, minor: 9, name: '/dev/urandom', origin: 'default' },
  { type: 'c', major: 5, minor: 0, name: '/dev/tty', origin: 'default' },
  { type: 'c', major: 5, minor: 1, name: '/dev/console', origin: 'default' },
  { type: 'c', major: 5, minor: 2, name: '/dev/ptmx', origin: 'default' },
  ...[136, 137, 138, 139, 140, 141, 142, 143].map((major): DeviceRule => ({
    type: 'c',
    major,
    minor: '*',
    name: '/dev/pts/*',
    origin: 'default',
  })),
];

/** Added by stat() when present. */
const DEFAULT_IF_PRESENT =
  /^(?:nvidia(?:[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4])|nvidiactl|nvidia-uvm|nvidia-modeset|uhid|net\/tun)$/;

export function deviceAllowList(
  interfaces: readonly InterfaceRule[],
  inventory: readonly DeviceNode[],
): DeviceRule[] {
  const rules: DeviceRule[] = [...DEFAULT_DEVICES];
  const seen = new Set(rules.map(ruleKey));
  const add = (rule: DeviceRule): void => {
    if (seen.has(ruleKey(rule))) return;
    seen.add(ruleKey(rule));
    rules.push(rule);
  };
  for (const node of inventory) {
    if (DEFAULT_IF_PRESENT.test(node.devname)) add(fromNode(node, 'default'));
  }
  for (const iface of interfaces) {
    for (const grant of iface.devices) {
      const kernel = grant.kernel !== undefined ? udevKernelRegExp(grant.kernel) : undefined;
      for (const node of inventory) {
        if (kernel && !kernel.test(node.kernel)) continue;
        if (grant.subsystem !== undefined && grant.subsystem !== node.subsystem) continue;
        if (kernel === undefined && grant.subsystem === undefined) continue;
        add(fromNode(node, iface.id));
      }
    }
  }
  return rules;
}

function fromNode(node: DeviceNode, origin: string): DeviceRule {
  return { type: node.type, major: node.major, minor: node.minor, name: `/dev/${node.devname}`, origin };
}

function ruleKey(rule: DeviceRule): string {
  return `${rule.type} ${rule.major}:${rule.minor}`;
}

export interface SeccompSourceOptions {
  readonly devmode: boolean;
  /** Without full AppArmor snapd adds `bind` (bindSyscallWorkaround). */
  readonly apparmor: boolean;
}

/** The seccomp source snapd would write for the app: template, then each connected plug's lines. */
export function seccompSource(
  template: string,
  interfaces: readonly InterfaceRule[],
  options: SeccompSourceOptions,
): string {
  const parts: string[] = [];
  if (options.devmode) parts.push('@complain');
  parts.push(template.trimEnd());
  for (const iface of interfaces) {
    if (iface.seccomp.length === 0) continue;
    parts.push(`# ${iface.id}`, ...iface.seccomp.map((grant) => grant.line));
  }
  if (!options.apparmor) parts.push('# without full AppArmor snapd allows bind', 'bind');
  return `${parts.join('\n')}\n`;
}
