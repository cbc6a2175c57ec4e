/**
 * The sandbox holds: escape-probe, packed into a test snap, tries each way out for real inside a
 * strict run (and in devmode, where only seccomp stops being enforced and the device cgroup only
 * reports). The launcher is run as `snappy-debug run` runs it: the spec prepareSnapRun writes.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSnapRun } from '../../src/commands/run.js';
import { launcherPath } from '../../src/launch/launcher.js';
import type { Mode } from '../../src/launch/prepare.js';
import { parseSnapApp } from '../../src/launch/run-support.js';
import { ensureBuilt } from '../support/build.js';
import { KEEP_LAUNCHER, makeTestSnap, testUser, type TestSnap } from './support/snaps.js';

const NAME = 'sd-sandbox';
const OTHER = 'sd-sandbox-other';
const YAML = `name: ${NAME}
version: '1'
confinement: strict
apps:
  probe:
    command: bin/escape-probe
  app:
    command: bin/snap-app
`;
const CGROUP2 = '/sys/fs/cgroup/unified';
const NS_DIR = '/run/snappy-debug/ns';
const OTHER_TMP = `/tmp/snap-private-tmp/snap.${OTHER}/tmp`;

const user = testUser();
let snap: TestSnap;
let sleeper: ChildProcess;
const connectionsFile = `/var/tmp/snappy-debug-connections.sandbox.${process.pid}.json`;
const hostFile = `/tmp/escape-probe.${process.pid}`;
const rootOwnedDir = `/var/tmp/snappy-debug-root-owned.${process.pid}`;

interface Launched {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Prepared {
  readonly args: readonly string[];
  readonly spec: string;
  cleanup(): void;
}

async function prepare(mode: Mode, as: string, app: string, args: readonly string[]): Promise<Prepared> {
  const run = await prepareSnapRun(
    { ref: parseSnapApp(`${NAME}.${app}`)!, snapPath: snap.file!, user: as, args },
    mode,
  );
  return {
    args: run.prepared.launcherArgs,
    spec: readFileSync(run.prepared.specPath, 'utf8'),
    cleanup: run.prepared.cleanup,
  };
}

function start(
  args: readonly string[],
  wrap: readonly string[] = [],
): { child: ChildProcess; done: Promise<Launched> } {
  const [command, ...rest] = [...wrap, launcherPath(), ...args];
  const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<Launched>((resolve) =>
    child.on('close', (status) => resolve({ status, stdout, stderr })),
  );
  return { child, done };
}

async function launch(
  mode: Mode,
  as: string,
  app: string,
  args: readonly string[],
): Promise<Launched & { spec: string }> {
  const prepared = await prepare(mode, as, app, args);
  try {
    return { ...(await start(prepared.args).done), spec: prepared.spec };
  } finally {
    prepared.cleanup();
  }
}

/** "ATTEMPT NAME RESULT ERRNO" lines as NAME -> "denied EPERM" or "ok". */
function attempts(stdout: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of stdout.matchAll(/^ATTEMPT (\S+) (ok|denied) (\S+)$/gm))
    found.set(m[1]!, m[2] === 'ok' ? 'ok' : `denied ${m[3]}`);
  return found;
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real block device of this machine (not a loop or ram disk), e.g. /dev/vda. */
function blockDevice(): string | undefined {
  const disk = readdirSync('/sys/block').find((d) => !/^(loop|ram|zram|sr|dm-)/.test(d));
  return disk && existsSync(`/dev/${disk}`) ? `/dev/${disk}` : undefined;
}

const scopes = (): string[] =>
  existsSync(`${CGROUP2}/snappy-debug`)
    ? readdirSync(`${CGROUP2}/snappy-debug`).filter((e) => e.startsWith(`snap.${NAME}.`))
    : [];
const loops = (): string => execFileSync('losetup', ['-j', snap.file!], { encoding: 'utf8' });
const nsFiles = (): string[] =>
  existsSync(NS_DIR) ? readdirSync(NS_DIR).filter((e) => e === `${NAME}.mnt` || e === `${NAME}.info`) : [];
const runMounts = (): string[] =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(`/snap/${NAME}`) || l.includes(`${NS_DIR}/${NAME}.mnt`));
const alive = (pid: number): boolean =>
  existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

const BLOCK = blockDevice();

/** Each attempt, what strict and devmode give as the invoking user, and what the host must show. */
interface Case {
  readonly attempt: () => string;
  readonly strict: string;
  readonly devmode: string;
  readonly why: string;
}

const CASES: readonly Case[] = [
  {
    attempt: () => 'capset',
    strict: 'denied EPERM',
    devmode: 'denied EPERM',
    why: 'no capability left to raise',
  },
  { attempt: () => 'ambient', strict: 'denied EPERM', devmode: 'denied EPERM', why: 'empty permitted set' },
  {
    attempt: () => 'setuid',
    strict: 'denied EPERM',
    devmode: 'denied EPERM',
    why: 'seccomp; the kernel in devmode',
  },
  {
    attempt: () => 'setgid',
    strict: 'denied EPERM',
    devmode: 'denied EPERM',
    why: 'seccomp; the kernel in devmode',
  },
  {
    attempt: () => 'cgroup-root',
    strict: 'denied EACCES',
    devmode: 'denied EACCES',
    why: "root's cgroup.procs",
  },
  {
    attempt: () => 'cgroup-parent',
    strict: 'denied EACCES',
    devmode: 'denied EACCES',
    why: 'the parent cgroup',
  },
  {
    attempt: () => 'cgroup-mkdir',
    strict: 'denied EROFS',
    devmode: 'denied EROFS',
    why: 'cgroups are read-only',
  },
  {
    attempt: () => 'bpf-detach',
    strict: 'denied EPERM',
    devmode: 'denied EINVAL',
    why: 'seccomp; in devmode, detaching a multi program needs its descriptor',
  },
  { attempt: () => 'mount', strict: 'denied EPERM', devmode: 'denied EPERM', why: 'no CAP_SYS_ADMIN' },
  { attempt: () => 'umount=/tmp', strict: 'denied EPERM', devmode: 'denied EPERM', why: 'the private /tmp' },
  ...['mnt', 'net', 'pid', 'ipc', 'uts', 'cgroup'].map((ns) => ({
    attempt: () => `unshare-${ns}`,
    strict: 'denied EPERM',
    devmode: 'denied EPERM',
    why: 'seccomp; no CAP_SYS_ADMIN in devmode',
  })),
  {
    attempt: () => 'unshare-user',
    strict: 'denied EPERM',
    devmode: 'ok',
    why: 'only seccomp stops a user namespace (devmode does not enforce it)',
  },
  {
    attempt: () => `ptrace=${sleeper.pid}`,
    strict: 'denied EPERM',
    devmode: 'ok',
    why: 'a process of the same user outside: only seccomp stops it',
  },
  {
    attempt: () => 'open=/dev/kmsg',
    strict: 'denied EPERM',
    devmode: 'denied EPERM',
    why: 'device cgroup; dmesg_restrict',
  },
  ...(BLOCK
    ? [
        {
          attempt: () => `open=${BLOCK}`,
          strict: 'denied EACCES',
          devmode: 'denied EACCES',
          why: "root's 0600 disk",
        },
      ]
    : []),
  { attempt: () => `create=${hostFile}`, strict: 'ok', devmode: 'ok', why: 'lands in the private /tmp' },
  {
    attempt: () => `create=/proc/1/root${hostFile}.via-proc`,
    strict: 'denied EACCES',
    devmode: 'denied EACCES',
    why: "pid 1's root",
  },
  {
    attempt: () => 'list=/tmp/snap-private-tmp',
    strict: 'denied ENOENT',
    devmode: 'denied ENOENT',
    why: 'hidden',
  },
  {
    attempt: () => `read=${OTHER_TMP}/marker`,
    strict: 'denied ENOENT',
    devmode: 'denied ENOENT',
    why: 'hidden',
  },
  {
    attempt: () => `read=/proc/1/root${OTHER_TMP}/marker`,
    strict: 'denied EACCES',
    devmode: 'denied EACCES',
    why: "pid 1's root",
  },
  {
    attempt: () => 'setns=/proc/1/ns/mnt',
    strict: 'denied EACCES',
    devmode: 'denied EACCES',
    why: "pid 1's namespace",
  },
  { attempt: () => 'chroot=/', strict: 'denied EPERM', devmode: 'denied EPERM', why: 'no CAP_SYS_CHROOT' },
  {
    attempt: () => 'mknod=/tmp/kmsg-node',
    strict: 'denied EPERM',
    devmode: 'denied EPERM',
    why: 'no CAP_MKNOD',
  },
];

let strict: Launched & { spec: string };
let devmode: Launched & { spec: string };

beforeAll(async () => {
  ensureBuilt();
  process.env.SNAPPY_DEBUG_CONNECTIONS = connectionsFile;
  snap = makeTestSnap(YAML, { squash: true, helpers: ['escape-probe'] });
  sleeper = spawn('sleep', ['600'], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
  mkdirSync(OTHER_TMP, { recursive: true, mode: 0o1777 });
  writeFileSync(`${OTHER_TMP}/marker`, 'other snap\n');
  const probes = [...CASES.map((c) => c.attempt()), 'fds', 'environ', 'cgroup'];
  strict = await launch('strict', user.name, 'probe', probes);
  rmSync(`/tmp/snap-private-tmp/snap.${NAME}/tmp${hostFile.slice(4)}`, { force: true });
  devmode = await launch('devmode', user.name, 'probe', probes);
}, 240_000); // ensureBuilt may compile (tsc) on a busy machine

afterAll(() => {
  sleeper?.kill('SIGKILL');
  snap?.cleanup();
  for (const path of [
    connectionsFile,
    `/tmp/snap-private-tmp/snap.${OTHER}`,
    `/tmp/snap-private-tmp/snap.${NAME}`,
    `/var/snap/${NAME}`,
    rootOwnedDir,
  ])
    rmSync(path, { recursive: true, force: true });
  rmSync(`${user.home}/snap/${NAME}`, { recursive: true, force: true });
  delete process.env.SNAPPY_DEBUG_CONNECTIONS;
});

describe('inside a strict run the app cannot get out', () => {
  it.each(CASES.map((c) => [c.attempt.toString().replace(/^\(\) => /, ''), c] as const))('%s', (_, c) => {
    expect(strict.status, strict.stderr).toBe(0);
    expect(attempts(strict.stdout).get(c.attempt()), `${c.why}\n${strict.stdout}`).toBe(c.strict);
  });

  it('the host is unchanged: no file in its /tmp, no mount on /mnt, the sleeper untraced', () => {
    expect(existsSync(hostFile)).toBe(false);
    expect(existsSync(`${hostFile}.via-proc`)).toBe(false);
    expect(readFileSync(`${OTHER_TMP}/marker`, 'utf8')).toBe('other snap\n');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toMatch(/ \/mnt /);
    expect(readFileSync(`/proc/${sleeper.pid}/status`, 'utf8')).toMatch(/^TracerPid:\s+0$/m);
    expect(alive(sleeper.pid!)).toBe(true);
  });

  it('the device program stayed attached: /dev/kmsg is refused by it and reported', () => {
    expect(strict.stderr).toMatch(
      new RegExp(
        `decision="DENIED" label="snap\\.${NAME}\\.probe" pid=\\d+ comm="escape-probe" dev_type=c major=1 minor=11 name="/dev/kmsg" access="r"`,
      ),
    );
    expect(strict.stdout).toMatch(
      new RegExp(`^CGROUP /snappy-debug/snap\\.${NAME}\\.probe-\\d+-\\d+\\.scope$`, 'm'),
    );
  });

  it('no descriptor of the launcher reaches the app: only 0, 1 and 2', () => {
    const fds = [...strict.stdout.matchAll(/^FD (\d+) /gm)].map((m) => m[1]);
    expect(fds).toEqual(['0', '1', '2']);
  });

  it("the environment is exactly the spec's env lines, in order", () => {
    const fromSpec = strict.spec
      .split('\n')
      .filter((l) => l.startsWith('env '))
      .map((l) => l.slice(4));
    const seen = [...strict.stdout.matchAll(/^ENV (.*)$/gm)].map((m) => m[1]);
    expect(fromSpec.length).toBeGreaterThan(15);
    expect(seen).toEqual(fromSpec);
  });
});

describe('devmode: what succeeds is what only seccomp or the device cgroup would refuse', () => {
  it.each(CASES.map((c) => [c.attempt.toString().replace(/^\(\) => /, ''), c] as const))('%s', (_, c) => {
    expect(devmode.status, devmode.stderr).toBe(0);
    expect(attempts(devmode.stdout).get(c.attempt()), `${c.why}\n${devmode.stdout}`).toBe(c.devmode);
  });

  it('the device cgroup reports /dev/kmsg as ALLOWED; the host /tmp still untouched', () => {
    expect(devmode.stderr).toMatch(/decision="ALLOWED" .* major=1 minor=11 name="\/dev\/kmsg"/);
    expect(existsSync(hostFile)).toBe(false);
    const fds = [...devmode.stdout.matchAll(/^FD (\d+) /gm)].map((m) => m[1]);
    expect(fds).toEqual(['0', '1', '2']);
  });
});

describe('an app running as root (uid 0, no capabilities)', () => {
  it('cannot leave its device cgroup: the cgroup hierarchies are read-only in its namespace', async () => {
    mkdirSync(rootOwnedDir, { mode: 0o755 });
    const probes = ['cgroup-root', 'cgroup-parent', 'cgroup-mkdir', 'bpf-detach', 'open=/dev/kmsg'];
    if (BLOCK) probes.push(`open=${BLOCK}`);
    probes.push(`create=${rootOwnedDir}/by-root`, 'cgroup');
    const root = await launch('strict', 'root', 'probe', probes);
    const seen = attempts(root.stdout);
    expect(root.status, root.stderr).toBe(0);
    expect(seen.get('cgroup-root')).toBe('denied EROFS');
    expect(seen.get('cgroup-parent')).toBe('denied EROFS');
    expect(seen.get('cgroup-mkdir')).toBe('denied EROFS');
    expect(seen.get('bpf-detach')).toBe('denied EPERM');
    expect(seen.get('open=/dev/kmsg')).toBe('denied EPERM');
    if (BLOCK) {
      expect(seen.get(`open=${BLOCK}`)).toBe('denied EPERM');
      expect(root.stderr).toMatch(
        new RegExp(`decision="DENIED" .* dev_type=b .* name="${BLOCK}" access="r"`),
      );
    }
    // Documented gap: without AppArmor, files root owns on the host are writable by a root app.
    expect(seen.get(`create=${rootOwnedDir}/by-root`)).toBe('ok');
    expect(root.stdout).toMatch(
      new RegExp(`^CGROUP /snappy-debug/snap\\.${NAME}\\.probe-\\d+-\\d+\\.scope$`, 'm'),
    );
  });
});

describe('private /tmp against a pre-placed symlink', () => {
  // In a mount namespace of its own with a tmpfs on /tmp, so the host's /tmp/snap-private-tmp
  // (other tests' runs) is not touched.
  const cases: [string, string, string][] = [
    [
      '/tmp/snap-private-tmp is a symlink',
      'ln -s "$DECOY" /tmp/snap-private-tmp',
      'snappy-debug-confine: cannot use /tmp/snap-private-tmp: it is not a directory owned by root: Operation not permitted\n',
    ],
    [
      `/tmp/snap-private-tmp/snap.${NAME} is a symlink`,
      `mkdir -m 0700 /tmp/snap-private-tmp && ln -s "$DECOY" /tmp/snap-private-tmp/snap.${NAME}`,
      `snappy-debug-confine: cannot open /tmp/snap-private-tmp/snap.${NAME}: Not a directory\n`,
    ],
    [
      `/tmp/snap-private-tmp/snap.${NAME}/tmp is a symlink`,
      `mkdir -p -m 0700 /tmp/snap-private-tmp/snap.${NAME} && ln -s "$DECOY" /tmp/snap-private-tmp/snap.${NAME}/tmp`,
      `snappy-debug-confine: cannot open /tmp/snap-private-tmp/snap.${NAME}/tmp: Not a directory\n`,
    ],
  ];
  it.each(cases)('%s: refused, nothing written through it', async (_, place, message) => {
    const decoy = mkdtempSync('/var/tmp/snappy-debug-decoy.');
    const prepared = await prepare('strict', user.name, 'probe', [`create=/tmp/through-link`]);
    try {
      const script = `${KEEP_LAUNCHER} && mount -t tmpfs tmpfs /tmp && ${place} && exec "$@"`;
      const run = start(prepared.args, [
        'env',
        `DECOY=${decoy}`,
        'unshare',
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        script,
        'sh',
      ]);
      const result = await run.done;
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n').filter((l) => l.includes('cannot'))).toEqual([message.trimEnd()]);
      expect(result.status).toBe(1);
      expect(readdirSync(decoy)).toEqual([]);
      expect(scopes()).toEqual([]);
      expect(existsSync(`/snap/${NAME}`)).toBe(false);
    } finally {
      prepared.cleanup();
      rmSync(decoy, { recursive: true, force: true });
    }
  });
});

describe('cleanup when the app or the launcher is killed', () => {
  it('SIGKILL to the app: 137, and no mount, cgroup, loop device or namespace file is left', async () => {
    const prepared = await prepare('strict', user.name, 'app', ['pid', 'sleep', '60']);
    try {
      const run = start(prepared.args);
      let out = '';
      run.child.stdout!.on('data', (c: string) => (out += c));
      await until(() => /^pid \d+$/m.test(out), 'the app to print its pid');
      expect(nsFiles()).toEqual([`${NAME}.info`, `${NAME}.mnt`].sort());
      process.kill(Number(/^pid (\d+)$/m.exec(out)![1]), 'SIGKILL');
      expect((await run.done).status).toBe(137);
      await until(() => loops() === '', 'the loop device to go');
      expect(scopes()).toEqual([]);
      expect(nsFiles()).toEqual([]);
      expect(runMounts()).toEqual([]);
    } finally {
      prepared.cleanup();
    }
  });

  it('SIGKILL to the launcher: the app dies with it; the next run of the snap cleans up the rest', async () => {
    const prepared = await prepare('strict', user.name, 'app', ['pid', 'sleep', '60']);
    let appPid = 0;
    try {
      const run = start(prepared.args);
      let out = '';
      run.child.stdout!.on('data', (c: string) => (out += c));
      await until(() => /^pid \d+$/m.test(out), 'the app to print its pid');
      appPid = Number(/^pid (\d+)$/m.exec(out)![1]);
      run.child.kill('SIGKILL');
      await run.done;
      await until(() => !alive(appPid), 'the app to die with its launcher');
      // What a launcher killed outright cannot remove: the kept namespace (with the snap's mount
      // and loop device in it) and its files, and its empty cgroup (which any later launcher
      // removes, so a run of another engineer's snap may already have).
      expect(nsFiles()).toEqual([`${NAME}.info`, `${NAME}.mnt`].sort());
      expect(loops()).not.toBe('');
    } finally {
      prepared.cleanup();
    }
    const next = await launch('strict', user.name, 'app', ['exit', '0']);
    expect(next.status, next.stderr).toBe(0);
    await until(() => loops() === '', 'the loop device to go');
    expect(scopes()).toEqual([]);
    expect(nsFiles()).toEqual([]);
    expect(runMounts()).toEqual([]);
    expect(existsSync(`/snap/${NAME}`)).toBe(false);
  });
});
