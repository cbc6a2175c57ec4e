// Malicious snaps against `snappy-debug run`: each is refused with one exact line and exit 1
// (2 for a bad SNAP.APP argument), and leaves nothing behind — no mount, no loop device, nothing
// created for the snap outside the run's own directories. The rules are snapd's (snap/validate.go:
// names, commands, ValidateLayout).
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/build.js';
import { Rng, mutate } from '../support/mutate.mjs';
import { runCli } from './support/cli.js';
import { LAUNCHER, makeTestSnap, type TestSnap } from './support/snaps.js';

const NAME = 'sd-mal';
const snaps: TestSnap[] = [];

function app(command: string, extra = ''): string {
  return `name: ${NAME}\nversion: '1'\n${extra}apps:\n  app:\n    command: ${command}\n`;
}

function snapDir(yaml: string, setup?: (dir: string) => void, squash = false): string {
  const snap = makeTestSnap(yaml);
  snaps.push(snap);
  setup?.(snap.dir);
  if (!squash) return snap.dir;
  const file = join(snap.dir, '..', 'test.snap');
  execFileSync('mksquashfs', [
    snap.dir,
    file,
    '-noappend',
    '-comp',
    'gzip',
    '-all-root',
    '-no-progress',
    '-quiet',
  ]);
  return file;
}

function blobFile(name: string, write: (path: string) => void): string {
  const snap = makeTestSnap(app('bin/snap-app'));
  snaps.push(snap);
  const path = join(snap.dir, '..', name);
  write(path);
  return path;
}

/** Mount lines and loop devices that mention this test's snaps: none may stay. */
function leftovers(): string[] {
  const needles = [NAME, ...snaps.map((s) => join(s.dir, '..'))];
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => needles.some((n) => line.includes(n)));
  const loops = execFileSync('losetup', ['-a'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => needles.some((n) => line.includes(n)));
  const created = ['/snap', '/var/snap', '/run/snappy-debug', '/root/snap']
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir).map((entry) => join(dir, entry)))
    .filter((path) => path.includes(NAME));
  return [...mounts, ...loops, ...created];
}

function refused(args: readonly string[]) {
  const result = runCli(['run', ...args]);
  return { status: result.status, stderr: result.stderr, left: leftovers() };
}

let etcBefore: string[];

beforeAll(() => {
  ensureBuilt();
  expect(leftovers()).toEqual([]);
  etcBefore = readdirSync('/etc').sort();
}, 300_000);

afterAll(() => {
  for (const snap of snaps) snap.cleanup();
  // What the one case that runs made for its app: $SNAP_DATA, $SNAP_COMMON, $SNAP_USER_DATA.
  for (const dir of [`/var/snap/${NAME}`, `/root/snap/${NAME}`])
    rmSync(dir, { recursive: true, force: true });
});

const RANDOM = Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 2654435761) >>> 24));

describe('snappy-debug run refuses malicious snaps and leaves nothing behind', () => {
  const cases: [string, () => readonly string[], string, number?][] = [
    [
      'app name with .. on the command line',
      () => ['--snap', snapDir(app('bin/snap-app')), `${NAME}.a..b`],
      `snappy-debug: run: "${NAME}.a..b" is not SNAP.APP`,
      2,
    ],
    [
      'app name with / on the command line',
      () => ['--snap', snapDir(app('bin/snap-app')), `${NAME}.a/b`],
      `snappy-debug: run: "${NAME}.a/b" is not SNAP.APP`,
      2,
    ],
    [
      'app name with .. in snap.yaml',
      () => ['--snap', snapDir(`name: ${NAME}\napps:\n  ../x:\n    command: bin/snap-app\n`), `${NAME}.x`],
      'snappy-debug: run: meta/snap.yaml: apps.../x: is not a valid name',
    ],
    [
      'app name with / in snap.yaml',
      () => ['--snap', snapDir(`name: ${NAME}\napps:\n  a/b:\n    command: bin/snap-app\n`), `${NAME}.a`],
      'snappy-debug: run: meta/snap.yaml: apps.a/b: is not a valid name',
    ],
    [
      'command climbing out with ..',
      () => ['--snap', snapDir(app('../../../../bin/sh')), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: apps.app.command: "../../../../bin/sh" has a "." or ".." component: commands must stay inside the snap',
    ],
    [
      'command with .. in the middle',
      () => ['--snap', snapDir(app('bin/../../../etc/x')), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: apps.app.command: "bin/../../../etc/x" has a "." or ".." component: commands must stay inside the snap',
    ],
    [
      'absolute command',
      () => ['--snap', snapDir(app('/bin/sh')), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: apps.app.command: "/bin/sh" is an absolute path: commands are relative to the snap',
    ],
    [
      'command-chain climbing out',
      () => [
        '--snap',
        snapDir(
          `name: ${NAME}\napps:\n  app:\n    command: bin/snap-app\n    command-chain: [../../bin/sh]\n`,
        ),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: apps.app.command-chain[0]: "../../bin/sh" has a "." or ".." component: commands must stay inside the snap',
    ],
    [
      'absolute command-chain entry outside the snap',
      () => [
        '--snap',
        snapDir(`name: ${NAME}\napps:\n  app:\n    command: bin/snap-app\n    command-chain: [/bin/sh]\n`),
        `${NAME}.app`,
      ],
      `snappy-debug: run: cannot run app "app": its command /bin/sh is not inside the snap`,
    ],
    [
      'command through a variable pointing out',
      () => ['--snap', snapDir(app('$OUT/sh', 'environment:\n  OUT: /bin\n')), `${NAME}.app`],
      `snappy-debug: run: cannot run app "app": its command /bin/sh is not inside the snap`,
    ],
    [
      'command character snapd refuses',
      () => ['--snap', snapDir(app('"bin/snap-app;reboot"')), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: apps.app.command: "bin/snap-app;reboot" holds a character snapd does not allow',
    ],
    [
      'command that is an absolute symlink out (directory)',
      () => [
        '--snap',
        snapDir(app('bin/link'), (d) => symlinkSync('/bin/sh', join(d, 'bin/link'))),
        `${NAME}.app`,
      ],
      `snappy-debug: run: cannot run app "app": its command /snap/${NAME}/x1/bin/link leads out of the snap: bin/link is a symbolic link to /bin/sh`,
    ],
    [
      'command that is a relative symlink climbing out (directory)',
      () => [
        '--snap',
        snapDir(app('bin/link'), (d) => symlinkSync('../../../../../../bin/sh', join(d, 'bin/link'))),
        `${NAME}.app`,
      ],
      `snappy-debug: run: cannot run app "app": its command /snap/${NAME}/x1/bin/link leads out of the snap: bin/link is a symbolic link to ../../../../../../bin/sh`,
    ],
    [
      'command under a symlinked directory out (.snap)',
      () => [
        '--snap',
        snapDir(app('lib/sh'), (d) => symlinkSync('/bin', join(d, 'lib')), true),
        `${NAME}.app`,
      ],
      `snappy-debug: run: cannot run app "app": its command /snap/${NAME}/x1/lib/sh leads out of the snap: lib is a symbolic link to /bin`,
    ],
    [
      'command that is a symlink loop (.snap)',
      () => [
        '--snap',
        snapDir(
          app('bin/a'),
          (d) => {
            symlinkSync('b', join(d, 'bin/a'));
            symlinkSync('a', join(d, 'bin/b'));
          },
          true,
        ),
        `${NAME}.app`,
      ],
      `snappy-debug: run: cannot run app "app": its command /snap/${NAME}/x1/bin/a leads out of the snap: bin/a loops (more than 40 symbolic links)`,
    ],
    [
      'a .snap of random bytes',
      () => ['--snap', blobFile('random.snap', (p) => writeFileSync(p, RANDOM)), `${NAME}.app`],
      'snappy-debug: run: cannot use PATH: it is neither a directory nor a squashfs .snap file',
    ],
    [
      'an empty .snap',
      () => ['--snap', blobFile('empty.snap', (p) => writeFileSync(p, '')), `${NAME}.app`],
      'snappy-debug: run: cannot use PATH: it is neither a directory nor a squashfs .snap file',
    ],
    [
      'an ext4 image as .snap',
      () => [
        '--snap',
        blobFile('ext4.snap', (p) => {
          writeFileSync(p, '');
          truncateSync(p, 4 << 20);
          execFileSync('mkfs.ext4', ['-q', '-F', p]);
        }),
        `${NAME}.app`,
      ],
      'snappy-debug: run: cannot use PATH: it is neither a directory nor a squashfs .snap file',
    ],
    [
      'a truncated squashfs',
      () => [
        '--snap',
        blobFile('cut.snap', (p) => {
          const full = snapDir(app('bin/snap-app'), undefined, true);
          writeFileSync(p, readFileSync(full).subarray(0, 2000));
        }),
        `${NAME}.app`,
      ],
      'snappy-debug: run: cannot read meta/snap.yaml from PATH: Read on filesystem failed because EOF',
    ],
    [
      'layout on /proc',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', 'layout:\n  /proc:\n    bind: $SNAP/bin\n')),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: layout./proc: /proc is off limits for layouts',
    ],
    [
      'layout under /sys',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', 'layout:\n  /sys/kernel:\n    bind: $SNAP/bin\n')),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: layout./sys/kernel: /sys is off limits for layouts',
    ],
    [
      'layout under /dev',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', 'layout:\n  /dev/shm:\n    type: tmpfs\n')),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: layout./dev/shm: /dev is off limits for layouts',
    ],
    [
      'layout on /',
      () => ['--snap', snapDir(app('bin/snap-app', 'layout:\n  /:\n    bind: $SNAP/bin\n')), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: layout./: a layout cannot replace /',
    ],
    [
      'layout path with ..',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', 'layout:\n  /usr/../proc:\n    bind: $SNAP/bin\n')),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: layout./usr/../proc: the path must be absolute and clean (no ".", "..", "//" or trailing "/")',
    ],
    [
      'layout source climbing out with ..',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', 'layout:\n  /usr/share/x:\n    bind: $SNAP/../../../etc\n')),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: layout./usr/share/x.bind: "$SNAP/../../../etc" must be a clean path (no ".", "..", "//" or trailing "/")',
    ],
    [
      'layout source outside the snap',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', 'layout:\n  /usr/share/x:\n    bind-file: /etc/shadow\n')),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: layout./usr/share/x.bind-file: "/etc/shadow" must start with $SNAP, $SNAP_DATA or $SNAP_COMMON',
    ],
    [
      'layout source through $HOME',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', 'layout:\n  /usr/share/x:\n    bind: $HOME/.ssh\n')),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: layout./usr/share/x.bind: "$HOME/.ssh" may only use $SNAP, $SNAP_DATA or $SNAP_COMMON',
    ],
    [
      'layout in another snap',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', 'layout:\n  /snap/core/current/x:\n    bind: $SNAP/bin\n')),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: layout./snap/core/current/x: the path belongs to another snap',
    ],
    [
      'snap.yaml of 50 MiB (directory)',
      () => ['--snap', snapDir(app('bin/snap-app', `description: ${'x'.repeat(50 << 20)}\n`)), `${NAME}.app`],
      'snappy-debug: run: cannot use PATH/meta/snap.yaml: it is larger than 4 MiB',
    ],
    [
      'snap.yaml of 50 MiB (.snap)',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', `description: ${'x'.repeat(50 << 20)}\n`), undefined, true),
        `${NAME}.app`,
      ],
      'snappy-debug: run: cannot use PATH: meta/snap.yaml is larger than 4 MiB',
    ],
    [
      'deeply nested snap.yaml',
      () => [
        '--snap',
        snapDir(app('bin/snap-app', `x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: is not valid YAML: it is nested too deeply',
    ],
    [
      'billion laughs',
      () => ['--snap', snapDir(app('bin/snap-app', laughs())), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: is not valid YAML: Excessive alias count indicates a resource exhaustion attack',
    ],
    [
      'snap.yaml that is a list',
      () => ['--snap', snapDir('- name\n- sd-mal\n'), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: must be a mapping',
    ],
    [
      'snap.yaml that is a scalar',
      () => ['--snap', snapDir('just text\n'), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: must be a mapping',
    ],
    [
      'an empty snap.yaml',
      () => ['--snap', snapDir(''), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: must be a mapping',
    ],
    [
      'a snap name with capitals and _',
      () => [
        '--snap',
        snapDir(app('bin/snap-app').replace(`name: ${NAME}`, 'name: Bad_Name')),
        `${NAME}.app`,
      ],
      'snappy-debug: run: meta/snap.yaml: name: "Bad_Name" is not a valid snap name',
    ],
    [
      'a snap name with a newline',
      () => ['--snap', snapDir(app('bin/snap-app').replace(`name: ${NAME}`, 'name: "a\\nb"')), `${NAME}.app`],
      'snappy-debug: run: meta/snap.yaml: name: "a\\nb" is not a valid snap name',
    ],
    [
      'a snap name of 41 characters',
      () => [
        '--snap',
        snapDir(app('bin/snap-app').replace(`name: ${NAME}`, `name: ${'a'.repeat(41)}`)),
        `${NAME}.app`,
      ],
      `snappy-debug: run: meta/snap.yaml: name: "${'a'.repeat(41)}" is not a valid snap name`,
    ],
    [
      'a snap name on the command line that is not one',
      () => ['--snap', snapDir(app('bin/snap-app')), '../etc.app'],
      'snappy-debug: run: "../etc.app" is not SNAP.APP',
      2,
    ],
  ];

  it.each(cases)('%s', (_, args, message, status = 1) => {
    const argv = args();
    const path = argv[1]!;
    const result = refused(argv);
    expect(result.stderr).toBe(`${message.replace('PATH', path)}\n`);
    expect(result.status).toBe(status);
    expect(result.left).toEqual([]);
  });

  it('a layout on a file under /etc (snapd allows it) binds inside the sandbox only: the host is untouched', () => {
    const yaml = app('bin/snap-app', 'layout:\n  /etc/hostname:\n    bind-file: $SNAP/meta/snap.yaml\n');
    const dir = snapDir(yaml);
    const hostname = readFileSync('/etc/hostname');
    const hostnameMounts = () =>
      readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .filter((line) => line.split(' ')[4] === '/etc/hostname');
    const mountsBefore = hostnameMounts();
    const result = runCli([
      'run',
      '--snap',
      dir,
      '--user',
      'root',
      `${NAME}.app`,
      '--',
      'read',
      '/etc/hostname',
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`read /etc/hostname ok ${Buffer.byteLength(yaml)}\n`);
    expect(readFileSync('/etc/hostname')).toEqual(hostname);
    expect(hostnameMounts()).toEqual(mountsBefore);
    expect(readdirSync('/etc').sort()).toEqual(etcBefore);
    const left = leftovers().filter((p) => p !== `/var/snap/${NAME}` && p !== `/root/snap/${NAME}`);
    expect(left).toEqual([]);
  });
});

/** Nine levels of nine aliases: a YAML bomb. */
function laughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  let previous = 'a';
  for (const name of 'bcdefghi') {
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    previous = name;
  }
  return `${lines.join('\n')}\n`;
}

describe('snappy-debug-confine: mutated spec files', () => {
  // The seccomp file does not exist, so even a spec that passes validation stops before any
  // namespace, mount or cgroup is made: what is tested is the spec reader.
  const GOOD = [
    'snappy-debug-spec 1',
    'tag snap.sd-mal.app',
    'snap-dir /snap/sd-mal/x1',
    'uid 65534',
    'gid 65534',
    'group 65534',
    'seccomp /nonexistent/seccomp.bin2',
    'device c 1 3',
    'root-dir 0755 /var/snap/sd-mal/x1',
    'env PATH=/usr/bin:/bin',
    'layout bind /snap/sd-mal/x1/bin /usr/share/sd-mal',
    'cwd /',
  ];

  /** The launcher on one spec, without blocking the event loop (vitest's worker must stay responsive). */
  function launch(
    specPath: string,
  ): Promise<{ status: number | null; signal: string | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(LAUNCHER, ['--spec', specPath, 'snap.sd-mal.app', '/bin/true'], {
        timeout: 20_000,
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('close', (status, signal) => resolve({ status, signal, stderr }));
    });
  }

  function mutateSpec(rng: Rng): Buffer {
    const lines = [...GOOD];
    for (let round = 1 + rng.int(3); round > 0; round--) {
      const at = rng.int(lines.length);
      switch (rng.int(6)) {
        case 0:
          lines[at] = mutate(lines[at]!, rng);
          break;
        case 1:
          lines.splice(at, 1);
          break;
        case 2:
          lines.splice(at, 0, ...Array<string>(rng.pick([2, 40, 300])).fill(lines[at]!));
          break;
        case 3:
          lines[at] =
            `${lines[at]!.split(' ')[0]} ${rng.pick(['', ' ', '..', '/a/../b', 'a\0b', '-1', '99999999999', 'x'.repeat(5000), '/'])}`;
          break;
        case 4:
          lines[at] = lines[at]!.replace(/ /g, rng.pick(['  ', '\t', '\r ', ' \0']));
          break;
        default:
          lines.push('x'.repeat(rng.pick([10, 70_000, 1_100_000])));
      }
    }
    return Buffer.from(lines.join('\n'), 'utf8');
  }

  it('300 mutated specs: exit 1 with "cannot ..." lines, no crash, no hang', async () => {
    const rng = new Rng(4242);
    const snap = makeTestSnap(app('bin/snap-app'));
    snaps.push(snap);
    const dir = join(snap.dir, '..');
    const specPath = join(dir, 'spec');
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const spec = mutateSpec(rng);
      writeFileSync(specPath, spec);
      const result = await launch(specPath);
      const context = `spec ${i}: ${JSON.stringify(spec.toString('utf8').slice(0, 300))}\n${result.stderr}`;
      expect(result.signal, context).toBeNull();
      expect(result.status, context).toBe(1);
      const lines = result.stderr.split('\n');
      expect(lines.pop(), context).toBe('');
      for (const line of lines) expect(line, context).toMatch(/^snappy-debug-confine: /);
      const last = lines.at(-1) ?? '';
      expect(last, context).toMatch(/^snappy-debug-confine: cannot /);
      const what = last.replace(/line \d+: .*/, 'line N').replace(/seccomp profile .*/, 'seccomp profile');
      outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
    }
    // Most mutations are caught by the reader, naming the line; some leave a valid spec.
    console.log([...outcomes].map(([what, n]) => `${n} × ${what}`).join('\n'));
    expect(outcomes.size).toBeGreaterThan(2);
    expect(leftovers().filter((p) => !p.startsWith('/var/snap/') && !p.startsWith('/root/snap/'))).toEqual(
      [],
    );
  }, 300_000);
});
