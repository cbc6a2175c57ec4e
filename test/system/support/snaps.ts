/** Test snaps: a directory with meta/snap.yaml and the snap-app helper, optionally squashed. */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const SNAP_APP = resolve(import.meta.dirname, '../../../native/build/helpers/snap-app');
export const LAUNCHER = resolve(import.meta.dirname, '../../../native/build/snappy-debug-confine');

export interface TestSnap {
  /** The directory (snapcraft's prime/). */
  readonly dir: string;
  /** The .snap file, when squashed. */
  readonly file?: string;
  cleanup(): void;
}

/** Outside /tmp: the app sees a private /tmp, and the launcher reads the snap before that. */
const WORK_ROOT = '/var/tmp';

/** `helpers`: more of native/build/helpers/ copied into bin/ next to snap-app. */
export function makeTestSnap(
  yaml: string,
  options: { readonly squash?: boolean; readonly helpers?: readonly string[] } = {},
): TestSnap {
  const root = mkdtempSync(join(WORK_ROOT, 'snappy-debug-snap.'));
  const dir = join(root, 'prime');
  mkdirSync(join(dir, 'meta'), { recursive: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'meta/snap.yaml'), yaml);
  for (const helper of ['snap-app', ...(options.helpers ?? [])]) {
    copyFileSync(join(dirname(SNAP_APP), helper), join(dir, 'bin', helper));
    execFileSync('chmod', ['0755', join(dir, 'bin', helper)]);
  }
  let file: string | undefined;
  if (options.squash) {
    file = join(root, 'test.snap');
    execFileSync('mksquashfs', [
      dir,
      file,
      '-noappend',
      '-comp',
      'gzip',
      '-all-root',
      '-no-progress',
      '-quiet',
    ]);
  }
  return { dir, ...(file ? { file } : {}), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Directories a base provides so that the launcher can bind the host's over them. */
const BASE_DIRS = ['dev', 'etc', 'home', 'root', 'proc', 'sys', 'tmp', 'run', 'snap', 'mnt', 'media'].concat([
  'var/snap',
  'var/lib/snapd',
  'var/tmp',
  'var/log',
  'usr/src',
  'lib/modules',
  'bin',
]);

/** A tiny base snap (a directory, as an installed base is): busybox-static and a few applet links. */
export function makeBusyboxBase(name = 'snappy-debug-base'): TestSnap {
  const root = mkdtempSync(join(WORK_ROOT, 'snappy-debug-base.'));
  const dir = join(root, 'prime');
  for (const sub of [...BASE_DIRS, 'meta']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'meta/snap.yaml'), `name: ${name}\nversion: '1'\ntype: base\n`);
  copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
  execFileSync('chmod', ['0755', join(dir, 'bin/busybox')]);
  for (const applet of ['sh', 'ls', 'cat']) symlinkSync('busybox', join(dir, 'bin', applet));
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A user other than root to run apps as: the first regular user, else one made for the tests. */
export function testUser(): {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
} {
  const passwd = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 7);
  const regular = passwd.find((f) => Number(f[2]) >= 1000 && Number(f[2]) < 65534);
  if (regular)
    return { name: regular[0]!, uid: Number(regular[2]), gid: Number(regular[3]), home: regular[5]! };
  execFileSync('useradd', ['--create-home', '--home-dir', '/home/snappy-debug-test', 'snappy-debug-test']);
  return testUser();
}

/**
 * Shell steps for a test's own mount namespace, before it covers /tmp with a tmpfs: the launcher
 * ("$1") is bound on /mnt first, so that a checkout under /tmp can still run it.
 */
export const KEEP_LAUNCHER = 'mount --bind "${1%/*}" /mnt && l="/mnt/${1##*/}" && shift && set -- "$l" "$@"';
