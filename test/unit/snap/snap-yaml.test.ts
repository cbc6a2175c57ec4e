import { describe, expect, it } from 'vitest';
import { appInterfaces, parseSnapYaml, SnapYamlError } from '../../../src/snap/snap-yaml.js';

const FULL = `
name: demo
version: 1.2
base: core22
confinement: devmode
environment:
  A: one
plugs:
  net: network
  home-rw:
    interface: home
  camera:
slots:
  dbus-svc: { interface: dbus }
layout:
  /usr/share/demo:
    bind: $SNAP/usr/share/demo
  /etc/demo.conf:
    bind-file: $SNAP_DATA/demo.conf
apps:
  demo:
    command: bin/demo --flag
    command-chain: [bin/launcher]
    environment: { B: two }
    plugs: [net, home-rw, x11]
hooks:
  configure:
    plugs: [net]
`;

describe('parseSnapYaml', () => {
  it('reads apps, hooks, plugs, slots, layouts, base, confinement and environment', () => {
    const meta = parseSnapYaml(FULL);
    expect(meta).toMatchObject({ name: 'demo', version: '1.2', base: 'core22', confinement: 'devmode' });
    expect(meta.environment).toEqual({ A: 'one' });
    expect(meta.apps.get('demo')).toEqual({
      name: 'demo',
      command: 'bin/demo --flag',
      commandChain: ['bin/launcher'],
      environment: { B: 'two' },
      plugs: ['net', 'home-rw', 'x11'],
    });
    expect(meta.hooks.get('configure')).toMatchObject({ command: 'meta/hooks/configure', plugs: ['net'] });
    expect([...meta.plugs.values()]).toEqual([
      { name: 'net', interface: 'network' },
      { name: 'home-rw', interface: 'home' },
      { name: 'camera', interface: 'camera' },
    ]);
    expect(meta.slots).toEqual(['dbus-svc']);
    expect(meta.layout).toEqual([
      { path: '/usr/share/demo', kind: 'bind', target: '$SNAP/usr/share/demo' },
      { path: '/etc/demo.conf', kind: 'bind-file', target: '$SNAP_DATA/demo.conf' },
    ]);
    expect(appInterfaces(meta, meta.apps.get('demo')!)).toEqual(
      new Map([
        ['net', 'network'],
        ['home-rw', 'home'],
        ['x11', 'x11'],
      ]),
    );
  });

  it('defaults confinement to strict', () => {
    expect(parseSnapYaml('name: a1\napps: {}\n').confinement).toBe('strict');
  });

  const broken: [string, string][] = [
    ['name: [x]', 'meta/snap.yaml: name: must be a string'],
    ['version: 1', 'meta/snap.yaml: name: is missing'],
    ['name: Bad_Name', 'meta/snap.yaml: name: "Bad_Name" is not a valid snap name'],
    [
      'name: a\nconfinement: loose',
      'meta/snap.yaml: confinement: must be strict, devmode or classic, not "loose"',
    ],
    ['name: a\napps: [x]', 'meta/snap.yaml: apps: must be a mapping'],
    ['name: a\napps:\n  x: {}', 'meta/snap.yaml: apps.x.command: is missing'],
    ['name: a\napps:\n  x: { command: c, plugs: net }', 'meta/snap.yaml: apps.x.plugs: must be a list'],
    [
      'name: a\napps:\n  x: { command: c, environment: { "1X": v } }',
      'meta/snap.yaml: apps.x.environment.1X: is not a valid variable name',
    ],
    [
      'name: a\nlayout:\n  /x: { bind: a, symlink: b }',
      'meta/snap.yaml: layout./x: needs exactly one of bind, bind-file, symlink, type',
    ],
    ['name: a\n  b: : c', 'meta/snap.yaml: is not valid YAML: '],
    ['- a', 'meta/snap.yaml: must be a mapping'],
  ];
  it.each(broken)('names the key: %s', (yaml, message) => {
    expect(() => parseSnapYaml(yaml)).toThrow(SnapYamlError);
    expect(() => parseSnapYaml(yaml)).toThrow(message);
  });
});
