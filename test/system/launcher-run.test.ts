import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLine } from '../../src/parse/index.js';
import type { Denial } from '../../src/model/denial.js';
import { runCli, startCli } from './support/cli.js';
import { makeBusyboxBase, makeTestSnap, testUser, type TestSnap } from './support/snaps.js';
import { ensureBuilt } from '../support/build.js';

const NAME = 'sd-launch-test';
const YAML = `name: ${NAME}
version: '2.5'
confinement: strict
environment:
  GREETING: hello-$SNAP_NAME
apps:
  app:
    command: bin/snap-app
    environment:
      APP_VAR: from-app
    plugs: [fuse-support]
`;

const PROBES = [
  'ids',
  ...[
    'SNAP',
    'SNAP_DATA',
    'SNAP_COMMON',
    'SNAP_NAME',
    'SNAP_INSTANCE_NAME',
    'SNAP_INSTANCE_KEY',
    'SNAP_REVISION',
  ],
  ...[
    'SNAP_VERSION',
    'SNAP_ARCH',
    'SNAP_USER_DATA',
    'SNAP_USER_COMMON',
    'SNAP_REAL_HOME',
    'SNAP_UID',
    'SNAP_EUID',
  ],
  ...['HOME', 'XDG_RUNTIME_DIR', 'TMPDIR', 'PATH', 'SNAP_LIBRARY_PATH', 'GREETING', 'APP_VAR'],
].flatMap((p) => (p === 'ids' ? ['ids'] : ['env', p]));

const user = testUser();
let snap: TestSnap;
const connectionsFile = `/var/tmp/snappy-debug-connections.${process.pid}.json`;

function denialsOf(stderr: string): Denial[] {
  return stderr
    .split('\n')
    .map((line) => parseLine(line))
    .flatMap((r) => (r.kind === 'denial' ? [r.denial] : []));
}

function runArgs(
  mode: '--strict' | '--devmode',
  probes: readonly string[],
  extra: readonly string[],
): string[] {
  return ['run', mode, '--snap', snap.file!, ...extra, `${NAME}.app`, '--', ...probes];
}

function run(mode: '--strict' | '--devmode', probes: readonly string[], extra: readonly string[] = []) {
  return runCli(runArgs(mode, probes, extra));
}

/** The same, left running (for probes that sleep). */
function startRun(mode: '--strict' | '--devmode', probes: readonly string[], extra: readonly string[] = []) {
  return startCli(runArgs(mode, probes, extra));
}

interface ScanlogRecord {
  readonly kind: string;
  readonly pid: number | null;
  readonly suggestions: readonly { readonly kind: string; readonly id?: string }[];
}

/** rsyslog writes asynchronously: replays /var/log/syslog until the denial of `pid` is in it. */
/** Where /var/log/syslog ends now: the scan below reads only what is written after it. */
function syslogEnd(): number {
  return existsSync('/var/log/syslog') ? statSync('/var/log/syslog').size : 0;
}

/** /var/log/syslog from byte `from` (from its start if it shrank, i.e. was rotated meanwhile). */
function syslogSince(from: number): string {
  const fd = openSync('/var/log/syslog', 'r');
  try {
    const size = statSync('/var/log/syslog').size;
    const start = size < from ? 0 : from;
    const bytes = Buffer.alloc(size - start);
    const read = readSync(fd, bytes, 0, bytes.length, start);
    const dir = mkdtempSync('/var/tmp/snappy-debug-syslog-tail.');
    writeFileSync(`${dir}/syslog`, bytes.subarray(0, read));
    return `${dir}/syslog`;
  } finally {
    closeSync(fd);
  }
}

async function waitForScanlog(pid: number, from: number): Promise<ScanlogRecord> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    // Only what this test's run added: the machine's syslog may hold gigabytes of earlier floods.
    const tail = syslogSince(from);
    const { stdout } = runCli(['scanlog', '--file', tail, '--json', NAME]);
    rmSync(tail.slice(0, tail.lastIndexOf('/')), { recursive: true, force: true });
    const found = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ScanlogRecord)
      .findLast((r) => r.kind === 'cgroup' && r.pid === pid);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no cgroup denial of pid ${pid} in /var/log/syslog`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(() => {
  ensureBuilt();
  process.env.SNAPPY_DEBUG_CONNECTIONS = connectionsFile;
  snap = makeTestSnap(YAML, { squash: true });
});

afterAll(() => {
  snap?.cleanup();
  rmSync(connectionsFile, { force: true });
  rmSync(`/var/snap/${NAME}`, { recursive: true, force: true });
  rmSync(`${user.home}/snap/${NAME}`, { recursive: true, force: true });
  delete process.env.SNAPPY_DEBUG_CONNECTIONS;
});

describe('run --strict as the invoking user (a .snap file on a loop device)', () => {
  it('gives the snapd environment, the user, no capabilities and no_new_privs', () => {
    const result = run('--strict', [...PROBES, 'exit', '7'], ['--user', user.name]);
    expect(result.status, result.stderr).toBe(7);
    const env = Object.fromEntries(
      result.stdout
        .split('\n')
        .filter((l) => l.startsWith('env ') && l.includes('='))
        .map((l) => [l.slice(4, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const data = `${user.home}/snap/${NAME}/x1`;
    expect(env).toEqual({
      SNAP: `/snap/${NAME}/x1`,
      SNAP_DATA: `/var/snap/${NAME}/x1`,
      SNAP_COMMON: `/var/snap/${NAME}/common`,
      SNAP_NAME: NAME,
      SNAP_INSTANCE_NAME: NAME,
      SNAP_INSTANCE_KEY: '',
      SNAP_REVISION: 'x1',
      SNAP_VERSION: '2.5',
      SNAP_ARCH: 'amd64',
      SNAP_USER_DATA: data,
      SNAP_USER_COMMON: `${user.home}/snap/${NAME}/common`,
      SNAP_REAL_HOME: user.home,
      SNAP_UID: String(user.uid),
      SNAP_EUID: String(user.uid),
      HOME: data,
      XDG_RUNTIME_DIR: `/run/user/${user.uid}/snap.${NAME}`,
      TMPDIR: '/tmp',
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games',
      SNAP_LIBRARY_PATH: '/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32',
      GREETING: `hello-${NAME}`,
      APP_VAR: 'from-app',
    });
    expect(result.stdout).toContain('env SNAP_INSTANCE_KEY=\n');
    expect(result.stdout).toMatch(
      new RegExp(
        `^ids uid=${user.uid} gid=${user.gid} groups=\\S* capeff=0000000000000000 capprm=0000000000000000 capinh=0000000000000000 capamb=0000000000000000 nnp=1$`,
        'm',
      ),
    );
    expect(result.stderr).toContain(
      'snappy-debug-confine: AppArmor is not available on this system: the app runs without an AppArmor profile\n',
    );
    const stat = execFileSync('stat', ['-c', '%u %a', data, `/var/snap/${NAME}/x1`], { encoding: 'utf8' });
    expect(stat).toBe(`${user.uid} 755\n0 755\n`);
  });

  it('refuses a syscall outside the profile, a non-default device and writes to $SNAP, and reports them', () => {
    const result = run(
      '--strict',
      [
        'ioprio',
        'open',
        '/dev/autofs',
        'r',
        'open',
        '/dev/null',
        'r',
        'write',
        `/snap/${NAME}/x1`,
        'write',
        '/tmp',
      ],
      ['--user', user.name],
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'ioprio errno=EPERM',
      'open /dev/autofs errno=EPERM',
      'open /dev/null ok',
      `write /snap/${NAME}/x1 errno=EROFS`,
      'write /tmp ok',
      '',
    ]);
    const denials = denialsOf(result.stderr);
    const seccomp = denials.filter((d) => d.kind === 'seccomp');
    const cgroup = denials.filter((d) => d.kind === 'cgroup');
    expect(seccomp).toHaveLength(1);
    expect(seccomp[0]).toMatchObject({
      snap: NAME,
      syscall: { number: 251 },
      exe: `/snap/${NAME}/x1/bin/snap-app`,
    });
    expect(cgroup).toHaveLength(1);
    expect(cgroup[0]).toMatchObject({
      decision: 'DENIED',
      label: `snap.${NAME}.app`,
      snap: NAME,
      app: 'app',
      comm: 'snap-app',
      device: { type: 'c', major: 10, minor: 235, name: '/dev/autofs', access: 'r' },
    });
    expect(cgroup[0]!.pid).toBe(seccomp[0]!.pid);
    expect(result.stderr).toContain('snappy-debug: 2 denials in this run\n');
    // The private /tmp is snapd's directory, not the host's /tmp.
    expect(existsSync(`/tmp/snap-private-tmp/snap.${NAME}/tmp/snap-app-probe`)).toBe(true);
    expect(
      execFileSync('stat', ['-c', '%a %u', `/tmp/snap-private-tmp/snap.${NAME}/tmp`], { encoding: 'utf8' }),
    ).toBe('1777 0\n');
  });

  it('leaves no cgroup, loop device or spec directory behind', () => {
    const cgroups = existsSync('/sys/fs/cgroup/unified/snappy-debug')
      ? readdirSync('/sys/fs/cgroup/unified/snappy-debug').filter((e) => e.startsWith(`snap.${NAME}.`))
      : [];
    expect(cgroups).toEqual([]);
    expect(execFileSync('losetup', ['-j', snap.file!], { encoding: 'utf8' })).toBe('');
    expect(existsSync(`/snap/${NAME}`)).toBe(false);
    const specs = existsSync('/run/snappy-debug') ? readdirSync('/run/snappy-debug') : [];
    expect(specs.filter((e) => e.startsWith(`snap.${NAME}.`))).toEqual([]);
  });
});

describe('run --devmode', () => {
  it('lets the same program through and reports the would-be denials', () => {
    const result = run('--devmode', ['ioprio', 'open', '/dev/autofs', 'r'], ['--user', user.name]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('ioprio ok\nopen /dev/autofs ok\n');
    const denials = denialsOf(result.stderr);
    const seccomp = denials.find((d) => d.kind === 'seccomp');
    expect(seccomp).toMatchObject({ snap: NAME, syscall: { number: 251 }, code: '0x7ffc0000' });
    expect(denials.find((d) => d.kind === 'cgroup')).toMatchObject({
      decision: 'ALLOWED',
      device: { major: 10, minor: 235, name: '/dev/autofs' },
    });
  });
});

describe('connections change the device cgroup', () => {
  it('strict refuses /dev/fuse until fuse-support is connected', async () => {
    // As root (no capabilities): /dev/fuse is root's 0600, so only the cgroup can refuse it.
    const syslogStart = syslogEnd();
    const before = run('--strict', ['open', '/dev/fuse', 'w'], ['--user', 'root']);
    expect(before.stdout).toBe('open /dev/fuse errno=EPERM\n');
    expect(denialsOf(before.stderr).find((d) => d.kind === 'cgroup')).toMatchObject({
      device: { major: 10, minor: 229, name: '/dev/fuse', access: 'w' },
    });
    // The same line went to syslog(3): rsyslog's file, read back by scanlog, suggests the interface.
    const pid = denialsOf(before.stderr).find((d) => d.kind === 'cgroup')!.pid;
    const fromSyslog = await waitForScanlog(pid!, syslogStart);
    expect(fromSyslog).toMatchObject({
      kind: 'cgroup',
      decision: 'DENIED',
      snap: NAME,
      device: { minor: 229 },
    });
    expect(fromSyslog.suggestions[0]).toMatchObject({ kind: 'interface', id: 'fuse-support' });
    const listed = runCli(['connections', '--snap', snap.file!, NAME]);
    expect(listed.stdout).toContain(`${NAME}:fuse-support  fuse-support  no         not auto-connected\n`);

    const connect = runCli(['connect', '--snap', snap.file!, `${NAME}:fuse-support`]);
    expect(connect.stdout).toBe(`connected ${NAME}:fuse-support (fuse-support)\n`);
    const after = run('--strict', ['open', '/dev/fuse', 'w'], ['--user', 'root']);
    expect(after.stdout).toBe('open /dev/fuse ok\n');
    expect(denialsOf(after.stderr).filter((d) => d.kind === 'cgroup')).toEqual([]);
    expect(after.stderr).toContain('connected: fuse-support');
    expect(runCli(['devices', '--snap', snap.file!, `${NAME}.app`]).stdout).toContain(
      '  c 10:229 /dev/fuse (fuse-support)\n',
    );

    expect(runCli(['disconnect', '--snap', snap.file!, `${NAME}:fuse-support`]).stdout).toBe(
      `disconnected ${NAME}:fuse-support (fuse-support)\n`,
    );
    expect(run('--strict', ['open', '/dev/fuse', 'w'], ['--user', 'root']).stdout).toBe(
      'open /dev/fuse errno=EPERM\n',
    );
  });
});

describe('one mount namespace per snap while any of its apps runs', () => {
  it("a second app joins the first one's namespace; the last one out removes it", async () => {
    const first = startRun('--strict', ['ns', 'sleep', '3'], ['--user', user.name]);
    await first.waitForStdout((out) => /^ns \S+$/m.test(out));
    const firstNs = /^ns (\S+)$/m.exec(first.stdout())![1];
    expect(existsSync(`/run/snappy-debug/ns/${NAME}.mnt`)).toBe(true);
    const second = run('--strict', ['ns', 'write', '/tmp'], ['--user', user.name]);
    expect(second.stdout).toBe(`ns ${firstNs}\nwrite /tmp ok\n`);
    expect(existsSync(`/run/snappy-debug/ns/${NAME}.mnt`)).toBe(true);
    expect(await first.exited).toBe(0);
    expect(existsSync(`/run/snappy-debug/ns/${NAME}.mnt`)).toBe(false);
    expect(existsSync(`/snap/${NAME}`)).toBe(false);
    const third = run('--strict', ['ns'], ['--user', user.name]);
    // (The kernel reuses namespace inode numbers at once, so the new one may show the old number.)
    expect(third.stdout).toMatch(/^ns \S+\n$/);
    expect(existsSync(`/run/snappy-debug/ns/${NAME}.mnt`)).toBe(false);
  });
});

describe('parallel instances', () => {
  it('NAME_KEY.APP: instance variables, its own private /tmp, and /var/snap/NAME_KEY seen as /var/snap/NAME', () => {
    const instance = `${NAME}_k1`;
    const result = runCli([
      'run',
      '--strict',
      '--snap',
      snap.file!,
      '--user',
      'root',
      `${instance}.app`,
      '--',
      'env',
      'SNAP_INSTANCE_NAME',
      'env',
      'SNAP_INSTANCE_KEY',
      'env',
      'SNAP_DATA',
      'env',
      'SNAP_USER_DATA',
      'write',
      `/var/snap/${NAME}/x1`,
      'write',
      '/tmp',
    ]);
    try {
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe(
        [
          `env SNAP_INSTANCE_NAME=${instance}`,
          'env SNAP_INSTANCE_KEY=k1',
          `env SNAP_DATA=/var/snap/${NAME}/x1`,
          `env SNAP_USER_DATA=/root/snap/${instance}/x1`,
          `write /var/snap/${NAME}/x1 ok`,
          'write /tmp ok',
          '',
        ].join('\n'),
      );
      expect(existsSync(`/var/snap/${instance}/x1/snap-app-probe`)).toBe(true);
      expect(existsSync(`/tmp/snap-private-tmp/snap.${instance}/tmp/snap-app-probe`)).toBe(true);
    } finally {
      rmSync(`/var/snap/${instance}`, { recursive: true, force: true });
      rmSync(`/root/snap/${instance}`, { recursive: true, force: true });
      rmSync(`/tmp/snap-private-tmp/snap.${instance}`, { recursive: true, force: true });
    }
  });
});

describe('hooks', () => {
  it('runs meta/hooks/HOOK under its own security tag', () => {
    const hooked = makeTestSnap(
      `${YAML}hooks:\n  configure:\n    command: bin/snap-app\n`.replace(`name: ${NAME}`, 'name: sd-hook'),
      {
        squash: true,
      },
    );
    try {
      const result = runCli([
        'run',
        '--strict',
        '--snap',
        hooked.file!,
        '--user',
        user.name,
        '--hook',
        'configure',
        'sd-hook',
        '--',
        'open',
        '/dev/autofs',
        'r',
      ]);
      expect(result.stdout).toBe('open /dev/autofs errno=EPERM\n');
      expect(denialsOf(result.stderr).find((d) => d.kind === 'cgroup')).toMatchObject({
        label: 'snap.sd-hook.hook.configure',
        hook: 'configure',
      });
      expect(runCli(['run', '--snap', hooked.file!, '--hook', 'install', 'sd-hook']).stderr).toBe(
        'snappy-debug: run: cannot find hook "install" in snap "sd-hook"\n',
      );
    } finally {
      hooked.cleanup();
      rmSync('/var/snap/sd-hook', { recursive: true, force: true });
    }
  });
});

describe('layouts', () => {
  it('binds $SNAP paths onto existing directories, nodev, nosuid, read-only like their source', () => {
    const yaml = `${YAML}layout:\n  /mnt:\n    bind: $SNAP/bin\n  /usr/lib/demo:\n    symlink: $SNAP/bin\n`;
    const layered = makeTestSnap(yaml.replace(`name: ${NAME}`, 'name: sd-layout'), { squash: true });
    try {
      const result = runCli([
        'run',
        '--strict',
        '--snap',
        layered.file!,
        '--user',
        user.name,
        'sd-layout.app',
        '--',
        'read',
        '/mnt/snap-app',
        'write',
        '/mnt',
        'read',
        '/usr/lib/demo/snap-app',
      ]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        /^read \/mnt\/snap-app ok \d+\nwrite \/mnt errno=EROFS\nread \/usr\/lib\/demo\/snap-app ok \d+\n$/,
      );
      expect(existsSync('/usr/lib/demo')).toBe(false);
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toMatch(/ \/mnt /);
    } finally {
      layered.cleanup();
      rmSync('/var/snap/sd-layout', { recursive: true, force: true });
    }
  });
});

describe('--base: pivot into the base snap', () => {
  it('the app sees the base (busybox) as / with the host directories bound in', () => {
    const base = makeBusyboxBase('sd-busybox');
    const based = makeTestSnap(YAML.replace('confinement: strict', 'base: sd-busybox\nconfinement: strict'), {
      squash: true,
    });
    try {
      const result = runCli([
        'run',
        '--strict',
        '--snap',
        based.file!,
        '--base-path',
        base.dir,
        '--user',
        user.name,
        `${NAME}.app`,
        '--',
        'open',
        '/bin/busybox',
        'r',
        'open',
        process.execPath,
        'r',
        'read',
        '/etc/hostname',
        'write',
        '/tmp',
        'ids',
      ]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(
          `^open /bin/busybox ok\nopen ${process.execPath} errno=ENOENT\nread /etc/hostname ok \\d+\nwrite /tmp ok\nids uid=${user.uid} `,
        ),
      );
      expect(result.stderr).not.toContain('is not installed');
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain('snappy-debug-rootfs');
    } finally {
      based.cleanup();
      base.cleanup();
    }
  });
});

describe('the app being killed', () => {
  it('passes 128+signal through and still cleans up', async () => {
    const cli = startRun('--strict', ['pid', 'sleep', '30'], ['--user', user.name]);
    await cli.waitForStdout((out) => /^pid \d+$/m.test(out));
    const pid = Number(/^pid (\d+)$/m.exec(cli.stdout())![1]);
    process.kill(pid, 'SIGKILL');
    expect(await cli.exited).toBe(137);
    const cgroups = readdirSync('/sys/fs/cgroup/unified/snappy-debug').filter((e) =>
      e.startsWith(`snap.${NAME}.`),
    );
    expect(cgroups).toEqual([]);
    expect(execFileSync('losetup', ['-j', snap.file!], { encoding: 'utf8' })).toBe('');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(`/snap/${NAME}/`);
  });
});
