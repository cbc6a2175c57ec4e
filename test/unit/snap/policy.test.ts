import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEVICES,
  deviceAllowList,
  seccompSource,
  type DeviceNode,
} from '../../../src/snap/policy.js';
import { udevKernelMatches } from '../../../src/snap/udev-glob.js';
import type { InterfaceRule } from '../../../src/suggest/rules.js';

function iface(id: string, devices: InterfaceRule['devices'], seccomp: string[] = []): InterfaceRule {
  return {
    id,
    summary: '',
    autoConnect: false,
    needsReview: false,
    attributes: [],
    file: [],
    capability: [],
    network: [],
    dbus: [],
    signal: [],
    ptrace: [],
    unix: [],
    mount: [],
    userns: false,
    seccomp: seccomp.map((line) => ({ line, syscall: line.split(' ')[0]!, args: line.split(' ').slice(1) })),
    devices,
    grantCount: 0,
    origin: `interfaces/${id}.yaml`,
  };
}

const node = (
  subsystem: string,
  kernel: string,
  major: number,
  minor: number,
  devname = kernel,
): DeviceNode => ({
  subsystem,
  kernel,
  devname,
  type: subsystem === 'block' ? 'b' : 'c',
  major,
  minor,
});

const INVENTORY = [
  node('misc', 'fuse', 10, 229),
  node('misc', 'tun', 10, 200, 'net/tun'),
  node('tty', 'ttyS0', 4, 64),
  node('tty', 'ttyUSB3', 188, 3),
  node('tty', 'tty1', 4, 1),
  node('mem', 'kmsg', 1, 11),
  node('block', 'loop0', 7, 0),
];

describe('udev KERNEL patterns', () => {
  it.each([
    ['fuse', 'fuse', true],
    ['tty[A-Z]*[0-9]*', 'ttyS0', true],
    ['tty[A-Z]*[0-9]*', 'tty1', false],
    ['tty{USB,ACM}[0-9]*', 'ttyUSB3', true],
    ['tty{USB,ACM}[0-9]*', 'ttyS0', false],
    ['hidraw*|uhid', 'uhid', true],
    ['sd[!a]', 'sdb', true],
    ['sd[!a]', 'sda', false],
    ['iio:device[0-9]*', 'iio:device0', true],
    ['loop?', 'loop10', false],
  ] as const)('%s against %s is %s', (pattern, name, expected) => {
    expect(udevKernelMatches(pattern, name)).toBe(expected);
  });
});

describe('deviceAllowList', () => {
  it('is the defaults plus /dev/net/tun when present, without interfaces', () => {
    const list = deviceAllowList([], INVENTORY);
    expect(list.slice(0, DEFAULT_DEVICES.length)).toEqual(DEFAULT_DEVICES);
    expect(list.slice(DEFAULT_DEVICES.length)).toEqual([
      { type: 'c', major: 10, minor: 200, name: '/dev/net/tun', origin: 'default' },
    ]);
    expect(DEFAULT_DEVICES.filter((d) => d.minor === '*').map((d) => d.major)).toEqual([
      136, 137, 138, 139, 140, 141, 142, 143,
    ]);
  });

  it('adds the devices a connected interface selects by kernel name and subsystem', () => {
    const serial = iface('serial-port', [{ subsystem: 'tty', kernel: 'tty{S,USB}[0-9]*' }]);
    const fuse = iface('fuse-support', [{ kernel: 'fuse' }]);
    const added = deviceAllowList([serial, fuse], INVENTORY).filter((d) => d.origin !== 'default');
    expect(added).toEqual([
      { type: 'c', major: 4, minor: 64, name: '/dev/ttyS0', origin: 'serial-port' },
      { type: 'c', major: 188, minor: 3, name: '/dev/ttyUSB3', origin: 'serial-port' },
      { type: 'c', major: 10, minor: 229, name: '/dev/fuse', origin: 'fuse-support' },
    ]);
  });

  it('a pattern that matches nothing adds nothing; duplicates are kept once', () => {
    const none = iface('none', [{ kernel: 'nothing*' }]);
    const twice = iface('twice', [{ kernel: 'fuse' }, { kernel: 'fu*' }]);
    const list = deviceAllowList([none, twice], INVENTORY);
    expect(list.filter((d) => d.origin !== 'default')).toHaveLength(1);
  });
});

describe('seccompSource', () => {
  const template = 'read\nwrite\n';
  it('is the template then the plugs lines; devmode starts with @complain', () => {
    const net = iface('network-bind', [], ['bind', 'listen']);
    expect(seccompSource(template, [net], { devmode: false, apparmor: true })).toBe(
      'read\nwrite\n# network-bind\nbind\nlisten\n',
    );
    expect(seccompSource(template, [], { devmode: true, apparmor: true })).toBe('@complain\nread\nwrite\n');
  });
  it('adds bind without AppArmor, as snapd does', () => {
    expect(seccompSource(template, [], { devmode: false, apparmor: false })).toBe(
      'read\nwrite\n# without full AppArmor snapd allows bind\nbind\n',
    );
  });
});
