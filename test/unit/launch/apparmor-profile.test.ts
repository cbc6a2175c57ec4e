import { describe, expect, it } from 'vitest';
import {
  AppArmorProfileError,
  apparmorProfile,
  dbusSafePath,
  expandLeadingAlternation,
  interfaceRules,
  type AppArmorProfileInput,
} from '../../../src/launch/apparmor-profile.js';
import type { InterfaceRule } from '../../../src/suggest/rules.js';

function iface(id: string, parts: Partial<InterfaceRule>): InterfaceRule {
  return {
    id,
    summary: id,
    autoConnect: false,
    needsReview: false,
    implicitSlot: 'system',
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
    seccomp: [],
    devices: [],
    grantCount: 0,
    origin: `interfaces/${id}.yaml`,
    ...parts,
  };
}

const BASE: AppArmorProfileInput = {
  snapName: 'demo',
  instanceName: 'demo_alt',
  revision: 'x1',
  tag: 'snap.demo_alt.app',
  commandName: 'app',
  mode: 'strict',
  interfaces: [],
};

describe('apparmorProfile', () => {
  it('names the profile after the security tag, with the default flags in strict', () => {
    const text = apparmorProfile(BASE);
    expect(text).toContain('profile "snap.demo_alt.app" flags=(attach_disconnected,mediate_deleted) {\n');
    expect(text.startsWith('# AppArmor profile for snap.demo_alt.app (strict)')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('adds complain in devmode', () => {
    expect(apparmorProfile({ ...BASE, mode: 'devmode' })).toContain(
      'flags=(attach_disconnected,mediate_deleted,complain) {',
    );
  });

  it('defines the snap variables before the profile', () => {
    const text = apparmorProfile(BASE);
    const head = text.slice(0, text.indexOf('profile "'));
    expect(head).toContain('#include <tunables/global>\n');
    expect(head).toContain('@{SNAP_NAME}="demo"\n');
    expect(head).toContain('@{SNAP_INSTANCE_NAME}="demo_alt"\n');
    expect(head).toContain('@{SNAP_INSTANCE_DESKTOP}="demo+alt"\n');
    expect(head).toContain('@{SNAP_COMMAND_NAME}="app"\n');
    expect(head).toContain('@{SNAP_REVISION}="x1"\n');
    expect(head).toContain('@{PROFILE_DBUS}="snap_2edemo_5falt_2eapp"\n');
    expect(head).toContain('@{INSTALL_DIR}="/{,var/lib/snapd/}snap"\n');
  });

  it('gives the snap its own directories and lets its processes signal each other', () => {
    const text = apparmorProfile(BASE);
    expect(text).toContain(
      '  @{INSTALL_DIR}/{@{SNAP_NAME},@{SNAP_INSTANCE_NAME}}/@{SNAP_REVISION}/** mrklix,\n',
    );
    expect(text).toContain(
      '  /var/snap/{@{SNAP_NAME},@{SNAP_INSTANCE_NAME}}/{@{SNAP_REVISION},common}/** wl,\n',
    );
    expect(text).toContain('  owner @{HOME}/snap/@{SNAP_INSTANCE_NAME}/** mrkix,\n');
    expect(text).toContain('  signal peer=snap.@{SNAP_INSTANCE_NAME}.*,\n');
    expect(text).toContain('  #include <abstractions/base>\n');
  });

  it('adds each interface under its own heading, then the extra rules last', () => {
    const net = iface('network', {
      capability: ['net_bind_service'],
      network: [{ family: 'inet', type: 'stream' }],
    });
    const text = apparmorProfile({ ...BASE, interfaces: [net], extraRules: ['/opt/data/** r,'] });
    const iStart = text.indexOf('  # interface network\n');
    const extra = text.indexOf('  # extra rules\n  /opt/data/** r,\n');
    expect(iStart).toBeGreaterThan(0);
    expect(extra).toBeGreaterThan(iStart);
    expect(text.slice(iStart)).toContain('  capability net_bind_service,\n  network inet stream,\n');
  });

  it('refuses an extra rule with a line break, a bad tag and a name that would break a variable', () => {
    expect(() => apparmorProfile({ ...BASE, extraRules: ['/a r,\n}\nprofile x {'] })).toThrow(
      'cannot write an AppArmor profile: an extra rule holds a line break: "/a r,\\n}\\nprofile x {"',
    );
    expect(() => apparmorProfile({ ...BASE, tag: 'demo.app' })).toThrow(
      'cannot write an AppArmor profile: "demo.app" is not a security tag',
    );
    expect(() => apparmorProfile({ ...BASE, revision: 'x1"\n' })).toThrow(AppArmorProfileError);
    expect(() => apparmorProfile({ ...BASE, revision: 'x1"\n' })).toThrow(
      'cannot write an AppArmor profile: revision "x1"\n" is not a plain name',
    );
  });
});

describe('interfaceRules', () => {
  it('writes file rules with owner, an exec qualifier, and no a next to w', () => {
    const rule = iface('t', {
      file: [
        { path: '@{HOME}/[^s.]**', perms: 'rwlkx', owner: true },
        { path: '/{,**}', perms: 'rwalkmx', owner: false },
        { path: '/etc/app.conf', perms: 'a', owner: false },
      ],
    });
    expect(interfaceRules(rule)).toEqual([
      'owner @{HOME}/[^s.]** rwlkix,',
      '/{,**} rwlkmix,',
      '/etc/app.conf a,',
    ]);
  });

  it('expands a leading alternation, which AppArmor 3.0 does not take at the start of a rule', () => {
    expect(expandLeadingAlternation('{/etc,/usr/etc}/group')).toEqual(['/etc/group', '/usr/etc/group']);
    expect(expandLeadingAlternation('{/run,/var/run}/{a,b}/x')).toEqual(['/run/{a,b}/x', '/var/run/{a,b}/x']);
    expect(expandLeadingAlternation('{/a{1,2},/b}/c')).toEqual(['/a{1,2}/c', '/b/c']);
    expect(expandLeadingAlternation('/plain/{x,y}')).toEqual(['/plain/{x,y}']);
  });

  it('leaves out rules bound to plug attributes and quotes paths with spaces', () => {
    const rule = iface('t', {
      file: [
        { path: '/x/y z', perms: 'r', owner: false },
        { path: '@{HOME}/t', perms: 'r', owner: true, attribute: 'read' },
      ],
    });
    expect(interfaceRules(rule)).toEqual(['"/x/y z" r,']);
  });

  it('writes capability, network, dbus, signal, ptrace, unix and mount rules', () => {
    const rule = iface('t', {
      capability: ['*', 'sys_admin'],
      network: [{ family: '*' }, { family: 'netlink' }, { family: 'inet6', type: 'dgram' }],
      dbus: [
        {
          bus: 'session',
          path: '/org/x',
          interface: 'org.x',
          member: '{A,B}',
          peerName: 'org.x',
          peerLabel: '{plasmashell,unconfined}',
          access: ['send', 'receive'],
        },
        { bus: 'session', name: 'org.mpris.x', access: ['bind'] },
      ],
      signal: [{ access: ['send'], signal: ['term', 'kill'], peer: 'snap.demo.*' }],
      ptrace: [{ access: ['read'], signal: [] }],
      unix: [
        { type: 'stream', peerAddr: '@{mbim,qmi}-proxy', access: ['connect'] },
        { type: 'seqpacket', addr: 'none', access: [] },
      ],
      mount: [
        { operation: 'mount', fstype: ['cifs'], source: '//**', mountpoint: '/var/snap/x/**' },
        { operation: 'umount', fstype: [], mountpoint: '/var/snap/x/**' },
        { operation: 'pivot_root', fstype: [] },
      ],
      userns: true,
    });
    expect(interfaceRules(rule)).toEqual([
      'capability,',
      'capability sys_admin,',
      'network,',
      'network netlink,',
      'network inet6 dgram,',
      'dbus (send, receive) bus=session path=/org/x interface=org.x member={A,B} peer=(name=org.x, label="{plasmashell,unconfined}"),',
      'dbus (bind) bus=session name=org.mpris.x,',
      'signal (send) set=(term, kill) peer=snap.demo.*,',
      'ptrace (read),',
      'unix (connect) type=stream peer=(addr="@{mbim,qmi}-proxy"),',
      'unix type=seqpacket addr=none,',
      'mount fstype=(cifs) //** -> /var/snap/x/**,',
      'umount /var/snap/x/**,',
      'pivot_root,',
      '# userns, (needs AppArmor 4)',
    ]);
    expect(interfaceRules(rule, { userns: true }).at(-1)).toBe('userns,');
  });
});

describe('dbusSafePath', () => {
  it('hex-escapes every byte but letters and digits, as snapd does', () => {
    expect(dbusSafePath('snap.foo.bar')).toBe('snap_2efoo_2ebar');
    expect(dbusSafePath('snap.foo_x.hook.configure')).toBe('snap_2efoo_5fx_2ehook_2econfigure');
    expect(dbusSafePath('a-b')).toBe('a_2db');
  });
});
