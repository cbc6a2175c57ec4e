import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { exportOverlay } from '../../../src/overlay/export.js';
import type { PolicyOverlay } from '../../../src/overlay/overlay.js';

const overlay: PolicyOverlay = {
  snap: 'foo',
  unrestricted: false,
  entries: [
    { kind: 'seccomp', line: 'ioprio_set', reason: 'seccomp ioprio_set by snap foo' },
    {
      kind: 'device',
      type: 'c',
      major: 1,
      minor: 11,
      node: '/dev/kmsg',
      reason: 'device c 1:11 /dev/kmsg w by snap.foo.app',
    },
    { kind: 'interface', interface: 'log-observe', reason: 'device c 1:11 /dev/kmsg w by snap.foo.app' },
    { kind: 'interface', interface: 'fuse-support', plug: 'fuse', reason: 'added by hand' },
    {
      kind: 'apparmor',
      rule: '@{PROC}/@{pid}/cmdline r,',
      reason: 'apparmor open /proc/1/cmdline r by snap.foo.app',
    },
    { kind: 'apparmor', rule: 'capability sys_module,', reason: 'added by hand' },
    { kind: 'apparmor', rule: 'network netlink raw,', reason: 'n' },
    {
      kind: 'apparmor',
      rule: 'dbus (send) bus=system path=/ interface=org.freedesktop.DBus.ObjectManager member=GetManagedObjects peer=(name=org.bluez),',
      reason: 'd',
    },
    { kind: 'device', type: 'c', major: 136, minor: '*', reason: 'added by hand' },
  ],
};

describe('exportOverlay', () => {
  it('plugs: lines for the plugs snap.yaml does not declare yet', () => {
    const out = exportOverlay(overlay);
    expect(out.plugsYaml).toBe('plugs:\n  log-observe: null\n  fuse:\n    interface: fuse-support\n');
    expect(exportOverlay(overlay, new Set(['log-observe'])).plugsYaml).toBe(
      'plugs:\n  fuse:\n    interface: fuse-support\n',
    );
    expect(exportOverlay(overlay, new Set(['log-observe', 'fuse'])).plugsYaml).toBe('');
    expect(out.snapConnect).toEqual(['snap connect foo:log-observe', 'snap connect foo:fuse']);
  });

  it('the draft policy in the shape of rules/interfaces, each line with its denial', () => {
    expect(exportOverlay(overlay).draftPolicy).toBe(
      [
        '# Draft interface policy from the snappy-debug overlay of snap "foo",',
        '# in the shape of rules/interfaces/*.yaml; after each line, the denial that motivated it.',
        '# The overlay also connects existing interfaces: log-observe, fuse-support',
        'apparmor:',
        '  file:',
        '    - { path: "@{PROC}/@{pid}/cmdline", perms: r }  # apparmor open /proc/1/cmdline r by snap.foo.app',
        '  capability:',
        '    - sys_module  # added by hand',
        '  network:',
        '    - { family: netlink, type: raw }  # n',
        '  dbus:',
        '    - { bus: system, path: /, interface: org.freedesktop.DBus.ObjectManager, member: GetManagedObjects, peer_name: org.bluez, access: send }  # d',
        'seccomp:',
        '  - ioprio_set  # seccomp ioprio_set by snap foo',
        'devices:',
        '  - { kernel: kmsg }  # c 1:11 (/dev/kmsg); device c 1:11 /dev/kmsg w by snap.foo.app',
        '  # - device c 136:*: no /dev name known, write its udev pattern by hand  # added by hand',
        '',
      ].join('\n'),
    );
  });

  it('marks @unrestricted and says when there is nothing to draft', () => {
    const out = exportOverlay({ snap: 'bar', unrestricted: true, entries: [] });
    expect(out.draftPolicy).toBe(
      [
        '# Draft interface policy from the snappy-debug overlay of snap "bar",',
        '# in the shape of rules/interfaces/*.yaml; after each line, the denial that motivated it.',
        '# seccomp @unrestricted is on: no seccomp filter was enforced in these runs',
        '# no AppArmor, seccomp or device entries in the overlay',
        '',
      ].join('\n'),
    );
    expect(out.plugsYaml).toBe('');
    expect(out.snapConnect).toEqual([]);
    expect(out.markdown).toBe(
      [
        '# Policy overlay of snap bar',
        '',
        '**seccomp is unrestricted** (`@unrestricted`): no seccomp filter is enforced.',
        '',
        'The overlay is empty.',
        '',
        '## Draft interface policy',
        '',
        '```yaml',
        out.draftPolicy.trimEnd(),
        '```',
        '',
      ].join('\n'),
    );
  });

  it('markdown: the entries with reasons, then the three exports', () => {
    const small: PolicyOverlay = { snap: 'foo', unrestricted: false, entries: overlay.entries.slice(0, 3) };
    const out = exportOverlay(small);
    expect(out.markdown).toBe(
      [
        '# Policy overlay of snap foo',
        '',
        '| # | entry | reason |',
        '| ---: | --- | --- |',
        '| 1 | `seccomp: ioprio_set` | seccomp ioprio_set by snap foo |',
        '| 2 | `device: c 1:11 (/dev/kmsg)` | device c 1:11 /dev/kmsg w by snap.foo.app |',
        '| 3 | `connect: log-observe` | device c 1:11 /dev/kmsg w by snap.foo.app |',
        '',
        '## snapcraft.yaml',
        '',
        '```yaml',
        'plugs:',
        '  log-observe: null',
        '```',
        '',
        '## Connect',
        '',
        '```sh',
        'snap connect foo:log-observe',
        '```',
        '',
        '## Draft interface policy',
        '',
        '```yaml',
        out.draftPolicy.trimEnd(),
        '```',
        '',
      ].join('\n'),
    );
  });

  it('the draft policy is YAML whose values are the rules/ schema shapes', async () => {
    const { parse } = await import('yaml');
    const draft = parse(exportOverlay(overlay).draftPolicy) as Record<string, unknown>;
    const schema = JSON.parse(readFileSync('rules/schema/interface.schema.json', 'utf8')) as { $id: string };
    type Validate = ((data: unknown) => boolean) & { errors?: unknown };
    const Ajv2020 = (
      createRequire(import.meta.url)('ajv/dist/2020.js') as {
        default: new (o: object) => { addSchema(s: object): void; compile(s: object): Validate };
      }
    ).default;
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    ajv.addSchema(schema);
    const empty = {
      file: [],
      capability: [],
      network: [],
      dbus: [],
      signal: [],
      ptrace: [],
      unix: [],
      mount: [],
      userns: false,
    };
    for (const [part, value] of [
      ['apparmor', { ...empty, ...(draft.apparmor as object) }],
      ['seccomp', draft.seccomp],
      ['devices', draft.devices],
    ] as const) {
      const validate = ajv.compile({ $ref: `${schema.$id}#/properties/${part}` });
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    }
    const apparmor = ajv.compile({ $ref: `${schema.$id}#/properties/apparmor` });
    expect(apparmor({ ...empty, file: [{ path: '/etc/foo', perms: 'ix' }] })).toBe(false);
    expect(draft).toEqual({
      apparmor: {
        file: [{ path: '@{PROC}/@{pid}/cmdline', perms: 'r' }],
        capability: ['sys_module'],
        network: [{ family: 'netlink', type: 'raw' }],
        dbus: [
          {
            bus: 'system',
            path: '/',
            interface: 'org.freedesktop.DBus.ObjectManager',
            member: 'GetManagedObjects',
            peer_name: 'org.bluez',
            access: 'send',
          },
        ],
      },
      seccomp: ['ioprio_set'],
      devices: [{ kernel: 'kmsg' }],
    });
  });
});
