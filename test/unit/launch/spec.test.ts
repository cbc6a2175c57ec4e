import { describe, expect, it } from 'vitest';
import { formatSpec, type LaunchSpec } from '../../../src/launch/spec.js';
import { parseSnapApp } from '../../../src/launch/run-support.js';
import { parsePasswd, resolveUser, supplementaryGroups } from '../../../src/launch/user.js';

const SPEC: LaunchSpec = {
  tag: 'snap.demo.app',
  snapDir: '/snap/demo/x1',
  source: { kind: 'squashfs', path: '/var/tmp/demo.snap' },
  uid: 1000,
  gid: 1000,
  groups: [1000, 27],
  seccompPath: '/run/snappy-debug/x/seccomp.bin2',
  devices: [
    { type: 'c', major: 1, minor: 3, origin: 'default' },
    { type: 'c', major: 136, minor: '*', origin: 'default' },
  ],
  rootDirs: ['/var/snap/demo/x1'],
  userDirs: ['/home/u/snap/demo/x1', '/run/user/1000/snap.demo'],
  env: { SNAP: '/snap/demo/x1', HOME: '/home/u/snap/demo/x1' },
  cwd: '/home/u',
};

describe('formatSpec', () => {
  it('writes one KEY VALUE per line in the launcher format', () => {
    expect(formatSpec(SPEC)).toBe(
      [
        'snappy-debug-spec 1',
        'tag snap.demo.app',
        'snap-dir /snap/demo/x1',
        'snap-source squashfs /var/tmp/demo.snap',
        'uid 1000',
        'gid 1000',
        'group 1000',
        'group 27',
        'seccomp /run/snappy-debug/x/seccomp.bin2',
        'device c 1 3',
        'device c 136 *',
        'root-dir 0755 /var/snap/demo/x1',
        'user-dir 0755 /home/u/snap/demo/x1',
        'user-dir 0700 /run/user/1000/snap.demo',
        'env SNAP=/snap/demo/x1',
        'env HOME=/home/u/snap/demo/x1',
        'cwd /home/u',
        '',
      ].join('\n'),
    );
  });

  it('writes remaps for parallel instances', () => {
    expect(
      formatSpec({ ...SPEC, remaps: [{ source: '/var/snap/demo_k1', target: '/var/snap/demo' }] }),
    ).toContain('\nremap /var/snap/demo_k1 /var/snap/demo\n');
  });

  it('writes layouts and the base root before cwd', () => {
    const text = formatSpec({
      ...SPEC,
      baseRoot: '/snap/core22/100',
      layouts: [{ kind: 'bind', source: '/snap/demo/x1/usr/share/demo', target: '/usr/share/demo' }],
    });
    expect(
      text.endsWith(
        'layout bind /snap/demo/x1/usr/share/demo /usr/share/demo\nbase-root /snap/core22/100\ncwd /home/u\n',
      ),
    ).toBe(true);
    expect(() => formatSpec({ ...SPEC, layouts: [{ kind: 'bind', source: '/a b', target: '/c' }] })).toThrow(
      'cannot write spec layout /c: paths with spaces are not supported',
    );
  });

  it('leaves out snap-source for installed snaps and refuses newlines', () => {
    expect(formatSpec({ ...SPEC, source: { kind: 'installed', path: '/snap/demo/x1' } })).not.toContain(
      'snap-source',
    );
    expect(() => formatSpec({ ...SPEC, env: { A: 'x\ny' } })).toThrow(
      'cannot write spec env A: the value holds a newline or NUL',
    );
  });
});

describe('users and arguments', () => {
  const files = {
    passwd: 'root:x:0:0:root:/root:/bin/bash\nann:x:1000:1000::/home/ann:/bin/sh\nbad line\n',
    group: 'root:x:0:\nsudo:x:27:ann,bob\nvideo:x:44:bob\nann:x:1000:\n',
  };
  it('parses passwd and groups', () => {
    expect(parsePasswd(files.passwd).map((e) => e.name)).toEqual(['root', 'ann']);
    expect(supplementaryGroups(files.group, 'ann', 1000)).toEqual([27, 1000]);
  });
  it('takes --user, else SUDO_UID/SUDO_GID', () => {
    expect(resolveUser('ann', {}, files)).toEqual({
      name: 'ann',
      uid: 1000,
      gid: 1000,
      groups: [27, 1000],
      home: '/home/ann',
    });
    expect(resolveUser(undefined, { SUDO_UID: '1000', SUDO_GID: '44' }, files)).toMatchObject({
      uid: 1000,
      gid: 44,
      groups: [27, 44],
    });
    expect(() => resolveUser('zed', {}, files)).toThrow('cannot find user "zed" in /etc/passwd');
  });
  it('reads SNAP.APP and a bare SNAP', () => {
    expect(parseSnapApp('demo.app')).toEqual({ snap: 'demo', instance: 'demo', app: 'app' });
    expect(parseSnapApp('demo')).toEqual({ snap: 'demo', instance: 'demo', app: 'demo' });
    expect(parseSnapApp('demo_k1.app')).toEqual({ snap: 'demo', instance: 'demo_k1', app: 'app' });
    expect(parseSnapApp('demo.')).toBeUndefined();
    expect(parseSnapApp('demo_toolongkey1.app')).toBeUndefined();
  });
});
