/**
 * snap.yaml layouts under the real launcher: bind, bind-file, symlink and tmpfs, where the mount
 * points do not exist (writable mimics of /usr/share, /etc, /opt, /var/lib and of $SNAP itself),
 * and the host's filesystem left untouched.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { makeBusyboxBase, makeTestSnap, testUser, type TestSnap } from './support/snaps.js';
import { ensureBuilt } from '../support/build.js';

const NAME = 'sd-layout-test';
const LAYOUTS = `layout:
  /usr/share/sd-layout-share:
    bind: $SNAP/share
  /etc/sd-layout.conf:
    bind-file: $SNAP/etc/layout.conf
  /opt/sd-layout/link.txt:
    symlink: $SNAP/share/hello.txt
  /var/lib/sd-layout-tmp:
    type: tmpfs
  $SNAP/hello-link:
    symlink: $SNAP/share/hello.txt
`;
const yaml = (name: string, layouts: string): string =>
  `name: ${name}\nversion: '1'\napps:\n  app:\n    command: bin/snap-app\n${layouts}`;

const HOST_PATHS = [
  '/usr/share/sd-layout-share',
  '/etc/sd-layout.conf',
  '/opt/sd-layout',
  '/var/lib/sd-layout-tmp',
];
const user = testUser();
const snaps: TestSnap[] = [];
let snap: TestSnap;

function run(dir: string, name: string, probes: readonly string[]) {
  return runCli([
    'run',
    '--strict',
    '--snap',
    dir,
    '--user',
    String(user.uid),
    `${name}.app`,
    '--',
    ...probes,
  ]);
}

beforeAll(() => {
  ensureBuilt();
  snap = makeTestSnap(yaml(NAME, LAYOUTS));
  snaps.push(snap);
  mkdirSync(join(snap.dir, 'share'));
  mkdirSync(join(snap.dir, 'etc'));
  writeFileSync(join(snap.dir, 'share/hello.txt'), 'hello world\n');
  writeFileSync(join(snap.dir, 'etc/layout.conf'), 'k=v\n#x\n');
});

afterAll(() => {
  for (const s of snaps) s.cleanup();
  for (const name of [NAME, 'sd-layout-bad', 'sd-layout-root', 'sd-layout-based'])
    rmSync(`/var/snap/${name}`, { recursive: true, force: true });
});

describe('layouts', () => {
  it('binds, links and mounts a tmpfs where nothing was, through writable mimics', () => {
    const passwdSize = statSync('/etc/passwd').size;
    const result = run(snap.dir, NAME, [
      'read',
      '/usr/share/sd-layout-share/hello.txt',
      'read',
      '/etc/sd-layout.conf',
      'read',
      '/opt/sd-layout/link.txt',
      'write',
      '/var/lib/sd-layout-tmp',
      'read',
      `/snap/${NAME}/x1/hello-link`,
      'read',
      '/etc/passwd',
      'read',
      `/snap/${NAME}/x1/bin/snap-app`,
    ]);
    expect(result.stderr).not.toContain('cannot');
    expect(result.status).toBe(0);
    const appSize = statSync(join(snap.dir, 'bin/snap-app')).size;
    expect(result.stdout).toBe(
      [
        'read /usr/share/sd-layout-share/hello.txt ok 12',
        'read /etc/sd-layout.conf ok 7',
        'read /opt/sd-layout/link.txt ok 12',
        // snapd's default for a tmpfs layout: root's, 0755.
        'write /var/lib/sd-layout-tmp errno=EACCES',
        `read /snap/${NAME}/x1/hello-link ok 12`,
        // What the mimics replaced is still there.
        `read /etc/passwd ok ${passwdSize}`,
        `read /snap/${NAME}/x1/bin/snap-app ok ${Math.min(appSize, 4096)}`,
        '',
      ].join('\n'),
    );
    for (const dir of ['/usr/share', '/etc', '/opt', '/var/lib', `/snap/${NAME}/x1`]) {
      expect(result.stderr).toMatch(
        new RegExp(`: layout \\S+: ${dir.replace(/[/.]/g, '\\$&')} replaced by a writable mimic\\n`),
      );
    }
    for (const path of HOST_PATHS) expect(existsSync(path), path).toBe(false);
    expect(readFileSync('/etc/passwd').length).toBe(passwdSize);
  });

  it('refuses what snapd refuses, naming the layout', () => {
    const bad = makeTestSnap(yaml('sd-layout-bad', 'layout:\n  /var/snap/other:\n    bind: $SNAP/share\n'));
    snaps.push(bad);
    const result = run(bad.dir, 'sd-layout-bad', []);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'snappy-debug: run: meta/snap.yaml: layout./var/snap/other: /var/snap is off limits for layouts\n',
    );
    const outside = makeTestSnap(
      yaml('sd-layout-bad', 'layout:\n  /usr/share/x:\n    symlink: /etc/shadow\n'),
    );
    snaps.push(outside);
    expect(run(outside.dir, 'sd-layout-bad', []).stderr).toBe(
      'snappy-debug: run: meta/snap.yaml: layout./usr/share/x.symlink: "/etc/shadow" must start with $SNAP, $SNAP_DATA or $SNAP_COMMON\n',
    );
  });

  it('refuses a layout that would need a mimic of /', () => {
    const top = makeTestSnap(yaml('sd-layout-root', 'layout:\n  /sd-layout-top:\n    type: tmpfs\n'));
    snaps.push(top);
    const result = run(top.dir, 'sd-layout-root', []);
    expect(result.stderr).toContain(
      'snappy-debug-confine: cannot apply layout /sd-layout-top: it would need a writable mimic of /\n',
    );
    expect(result.status).not.toBe(0);
    expect(existsSync('/sd-layout-top')).toBe(false);
  });
});

describe('--base: /etc and the host root', () => {
  it('takes nsswitch.conf and ssl from the base, the rest of /etc from the host, and shows the host read-only at hostfs', () => {
    const base = makeBusyboxBase('sd-layout-base');
    snaps.push(base);
    writeFileSync(join(base.dir, 'etc/nsswitch.conf'), 'passwd: files\n');
    mkdirSync(join(base.dir, 'etc/ssl'));
    writeFileSync(join(base.dir, 'etc/ssl/base-marker'), 'base\n');
    mkdirSync(join(base.dir, 'var/lib/snapd'), { recursive: true });
    const based = makeTestSnap(yaml('sd-layout-based', 'base: sd-layout-base\n'));
    snaps.push(based);
    const hostname = statSync('/etc/hostname').size;
    const result = runCli([
      'run',
      '--strict',
      '--snap',
      based.dir,
      '--base-path',
      base.dir,
      '--user',
      String(user.uid),
      'sd-layout-based.app',
      '--',
      'read',
      '/etc/nsswitch.conf',
      'read',
      '/etc/ssl/base-marker',
      'read',
      '/etc/hostname',
      'read',
      '/var/lib/snapd/hostfs/etc/hostname',
      'read',
      '/var/lib/snapd/hostfs/etc/nsswitch.conf',
      'write',
      '/var/lib/snapd/hostfs/var/tmp',
      'open',
      '/var/lib/snapd/hostfs/proc/self/status',
      'r',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      [
        'read /etc/nsswitch.conf ok 14',
        'read /etc/ssl/base-marker ok 5',
        `read /etc/hostname ok ${hostname}`,
        `read /var/lib/snapd/hostfs/etc/hostname ok ${hostname}`,
        `read /var/lib/snapd/hostfs/etc/nsswitch.conf ok ${statSync('/etc/nsswitch.conf').size}`,
        'write /var/lib/snapd/hostfs/var/tmp errno=EROFS',
        'open /var/lib/snapd/hostfs/proc/self/status errno=ENOENT',
        '',
      ].join('\n'),
    );
  });
});
