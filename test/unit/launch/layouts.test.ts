import { describe, expect, it } from 'vitest';
import { LayoutError, planLayouts } from '../../../src/launch/layouts.js';
import { formatSpec } from '../../../src/launch/spec.js';

const ENV = { SNAP: '/snap/demo/x1', SNAP_DATA: '/var/snap/demo/x1', SNAP_COMMON: '/var/snap/demo/common' };

describe('planLayouts', () => {
  it('expands variables, orders by path and keeps each kind', () => {
    expect(
      planLayouts(
        [
          { path: '/usr/share/demo', kind: 'bind', target: '$SNAP/share' },
          { path: '/etc/demo.conf', kind: 'bind-file', target: '$SNAP_DATA/demo.conf' },
          { path: '$SNAP/link', kind: 'symlink', target: '$SNAP_COMMON/x' },
          { path: '/var/lib/demo', kind: 'type', target: 'tmpfs' },
        ],
        ENV,
      ),
    ).toEqual([
      { kind: 'symlink', source: '/var/snap/demo/common/x', target: '/snap/demo/x1/link' },
      { kind: 'bind-file', source: '/var/snap/demo/x1/demo.conf', target: '/etc/demo.conf' },
      { kind: 'bind', source: '/snap/demo/x1/share', target: '/usr/share/demo' },
      { kind: 'tmpfs', source: 'tmpfs', target: '/var/lib/demo' },
    ]);
  });

  it('refuses a layout under an earlier one, an unclean expansion and a source outside the snap', () => {
    const plan = (layouts: Parameters<typeof planLayouts>[0]) => () => planLayouts(layouts, ENV);
    expect(
      plan([
        { path: '/opt/a', kind: 'type', target: 'tmpfs' },
        { path: '/opt/a/b', kind: 'bind', target: '$SNAP/b' },
      ]),
    ).toThrow(new LayoutError('layout "/opt/a/b" underneath prior layout item "/opt/a"'));
    expect(plan([{ path: '$SNAP/../x', kind: 'type', target: 'tmpfs' }])).toThrow(
      'layout "$SNAP/../x" uses invalid mount point: must be absolute and clean',
    );
    expect(plan([{ path: '/opt/x', kind: 'bind', target: '$SNAP/../etc' }])).toThrow(
      'layout "/opt/x" uses invalid bind mount source "/snap/demo/x1/../etc": must be absolute and clean',
    );
    expect(plan([{ path: '/opt/x', kind: 'symlink', target: '/etc/shadow' }])).toThrow(
      'layout "/opt/x" uses invalid symlink old name "/etc/shadow": must start with $SNAP, $SNAP_DATA or $SNAP_COMMON',
    );
    expect(plan([{ path: '/opt/x', kind: 'type', target: 'ext4' }])).toThrow(
      'layout "/opt/x" uses invalid filesystem "ext4"',
    );
  });
});

describe('formatSpec layouts and AppArmor', () => {
  it('writes each layout kind and the apparmor-profile line before cwd', () => {
    const text = formatSpec({
      tag: 'snap.demo.app',
      snapDir: '/snap/demo/x1',
      source: { kind: 'installed', path: '/snap/demo/x1' },
      uid: 1000,
      gid: 1000,
      groups: [],
      seccompPath: '/run/s.bin2',
      devices: [],
      rootDirs: [],
      userDirs: [],
      env: {},
      cwd: '/',
      layouts: [
        { kind: 'symlink', source: '/snap/demo/x1/a', target: '/opt/a' },
        { kind: 'tmpfs', source: 'tmpfs', target: '/var/lib/demo' },
      ],
      apparmorProfile: 'snap.demo.app',
    });
    expect(
      text.endsWith(
        'layout symlink /snap/demo/x1/a /opt/a\nlayout tmpfs tmpfs /var/lib/demo\napparmor-profile snap.demo.app\ncwd /\n',
      ),
    ).toBe(true);
  });
});
