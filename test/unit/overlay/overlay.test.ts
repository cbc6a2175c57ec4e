import { beforeAll, describe, expect, it } from 'vitest';
import {
  addEntry,
  describeEntry,
  emptyOverlay,
  removeEntry,
  setUnrestricted,
  type OverlayEntry,
} from '../../../src/overlay/overlay.js';
import { parseApparmorRule } from '../../../src/overlay/apparmor-rule-parse.js';
import { deviceNumber, validateEntry, type ValidationContext } from '../../../src/overlay/validate.js';
import { loadRules } from '../../../src/suggest/index.js';

const seccomp = (line: string, reason = 'r'): OverlayEntry => ({ kind: 'seccomp', line, reason });
const kmsg: OverlayEntry = { kind: 'device', type: 'c', major: 1, minor: 11, node: '/dev/kmsg', reason: 'r' };

describe('overlay values', () => {
  it('adds at the end, keeps one entry per allowance whatever the reason or spacing', () => {
    let o = emptyOverlay('foo');
    o = addEntry(o, seccomp('bind', 'first'));
    o = addEntry(o, kmsg);
    const same = addEntry(o, seccomp(' bind ', 'second'));
    expect(same).toBe(o);
    expect(addEntry(o, { ...kmsg, node: undefined, reason: 'x' } as OverlayEntry)).toBe(o);
    expect(
      addEntry(o, { kind: 'apparmor', rule: 'capability  net_admin,', reason: 'a' }).entries,
    ).toHaveLength(3);
    expect(o.entries.map((e) => e.reason)).toEqual(['first', 'r']);
    const iface = addEntry(o, { kind: 'interface', interface: 'fuse-support', reason: 'r' });
    expect(
      addEntry(iface, { kind: 'interface', interface: 'fuse-support', plug: 'fuse', reason: 'r' }).entries,
    ).toHaveLength(4);
  });

  it('removes by 0-based index and refuses an index it does not have', () => {
    const o = addEntry(addEntry(emptyOverlay('foo'), seccomp('bind')), kmsg);
    expect(removeEntry(o, 0).entries).toEqual([kmsg]);
    expect(() => removeEntry(o, 2)).toThrow(new RangeError('no overlay entry 3: the overlay of "foo" has 2'));
    expect(() => removeEntry(o, -1)).toThrow(RangeError);
  });

  it('toggles unrestricted and describes entries in one line', () => {
    const o = emptyOverlay('foo');
    expect(setUnrestricted(o, false)).toBe(o);
    expect(setUnrestricted(o, true)).toEqual({ snap: 'foo', unrestricted: true, entries: [] });
    expect(
      [
        seccomp('bind'),
        kmsg,
        { kind: 'device', type: 'c', major: 136, minor: '*', reason: 'r' },
        { kind: 'interface', interface: 'network-bind', reason: 'r' },
        { kind: 'interface', interface: 'fuse-support', plug: 'fuse', reason: 'r' },
        { kind: 'apparmor', rule: '/etc/foo r,', reason: 'r' },
      ].map((e) => describeEntry(e as OverlayEntry)),
    ).toEqual([
      'seccomp: bind',
      'device: c 1:11 (/dev/kmsg)',
      'device: c 136:*',
      'connect: network-bind',
      'connect: fuse-support (plug fuse)',
      'apparmor: /etc/foo r,',
    ]);
  });
});

describe('AppArmor rules read back', () => {
  it('reads file, capability, network, D-Bus, signal, mount and userns rules', () => {
    expect(parseApparmorRule('owner @{HOME}/.config/foo/** rwk,')).toEqual({
      section: 'file',
      path: '@{HOME}/.config/foo/**',
      perms: 'rwk',
      owner: true,
    });
    expect(parseApparmorRule('"/home/a b/c" r,')).toMatchObject({ section: 'file', path: '/home/a b/c' });
    expect(parseApparmorRule('capability net_admin,')).toEqual({ section: 'capability', name: 'net_admin' });
    expect(parseApparmorRule('network inet dgram,')).toEqual({
      section: 'network',
      family: 'inet',
      type: 'dgram',
    });
    const dbus = parseApparmorRule(
      'dbus (send) bus=system path=/ member=Get peer=(name=org.bluez, label=unconfined),',
    );
    expect(dbus.section === 'dbus' && Object.fromEntries(dbus.fields)).toEqual({
      access: 'send',
      bus: 'system',
      path: '/',
      member: 'Get',
      peer_name: 'org.bluez',
      peer_label: 'unconfined',
    });
    const signal = parseApparmorRule('signal (send) set=(term, kill) peer=foo,');
    expect(signal.section === 'signal' && signal.fields.get('set')).toBe('term, kill');
    const mount = parseApparmorRule('mount fstype=tmpfs tmpfs -> /mnt/,');
    expect(mount.section === 'mount' && Object.fromEntries(mount.fields)).toEqual({
      operation: 'mount',
      fstype: 'tmpfs',
      source: 'tmpfs',
      mountpoint: '/mnt/',
    });
    expect(parseApparmorRule('userns,')).toEqual({ section: 'userns' });
  });

  it('says what it expected for a rule it cannot read', () => {
    expect(() => parseApparmorRule('/etc/foo r')).toThrow(
      'cannot read AppArmor rule "/etc/foo r": it must end with ","',
    );
    expect(() => parseApparmorRule('/etc/foo zz,')).toThrow(
      'cannot read AppArmor rule "/etc/foo zz,": expected "PATH PERMS," (perms from rwaklm and ix)',
    );
    expect(() => parseApparmorRule('capability,')).toThrow('expected "capability NAME,"');
    expect(() => parseApparmorRule('pivot_root,')).toThrow(
      'expected a file, capability, network, dbus, signal, ptrace, unix, mount or userns rule',
    );
  });
});

describe('validateEntry', () => {
  let context: ValidationContext;
  beforeAll(() => {
    context = { rules: loadRules('rules'), lookupUser: (n) => (n === 'root' ? 0 : undefined) };
  });
  const check = (e: OverlayEntry) => () => validateEntry(e, context);

  it('accepts known interfaces, syscall lines snap-seccomp takes, devices and readable rules', () => {
    expect(check({ kind: 'interface', interface: 'log-observe', reason: 'r' })).not.toThrow();
    expect(check(seccomp('socket AF_NETLINK - NETLINK_ROUTE'))).not.toThrow();
    expect(check(seccomp('chown - u:root'))).not.toThrow();
    expect(check(seccomp('~ioprio_set'))).not.toThrow();
    expect(check({ kind: 'device', type: 'b', major: 4095, minor: '*', reason: 'r' })).not.toThrow();
    expect(check({ kind: 'apparmor', rule: '/dev/kmsg r,', reason: 'r' })).not.toThrow();
  });

  it('names what is wrong in one line', () => {
    expect(check({ kind: 'interface', interface: 'nope', reason: 'r' })).toThrow(
      'unknown interface "nope": rules/interfaces has no policy for it',
    );
    expect(check(seccomp('frobnicate'))).toThrow('seccomp line "frobnicate": unknown syscall "frobnicate"');
    expect(check(seccomp('@unrestricted'))).toThrow(
      'seccomp line "@unrestricted" is not a syscall rule (use "unrestricted on" for @unrestricted)',
    );
    expect(check(seccomp('chown - u:nobody-here'))).toThrow(
      /^seccomp line "chown - u:nobody-here": argument 1 of 'chown': /,
    );
    expect(check(seccomp('bind 1 2 3 4 5 6 7'))).toThrow(
      'seccomp line "bind 1 2 3 4 5 6 7": too many arguments for \'bind\': 7 given, at most 6',
    );
    expect(check({ kind: 'device', type: 'c', major: 4096, minor: 0, reason: 'r' })).toThrow(
      'device major "4096" is not a number from 0 to 4095',
    );
    expect(check({ kind: 'device', type: 'c', major: 1, minor: 1048576, reason: 'r' })).toThrow(
      'device minor "1048576" is not a number from 0 to 1048575 or *',
    );
    expect(check({ kind: 'apparmor', rule: 'capability net admin,', reason: 'r' })).toThrow(
      'cannot read AppArmor rule "capability net admin,": expected "capability NAME,"',
    );
    expect(() => deviceNumber('0x10', 'major')).toThrow('device major "0x10" is not a number');
    expect(deviceNumber('*', 'minor')).toBe('*');
  });
});
