/**
 * The launcher built with AddressSanitizer and UndefinedBehaviorSanitizer (`make -C native
 * sanitize`, -fno-sanitize-recover=all) runs the launcher's real scenarios with the same exit
 * codes and messages as the normal build and no sanitizer report; its spec parser, linked alone
 * into spec-fuzz, is fed thousands of mutated spec files.
 *
 * ASAN_OPTIONS: the defaults, leak checking included, work: the supervisor frees what it keeps,
 * and the forked child ends with _exit (die_with_exit_handlers_skipped) or execve, so the leak
 * check never runs inside the sandbox, where it could not ptrace its own threads. Only
 * `abort_on_error=0` is said out loud, so a report ends the process with an exit status the test
 * sees rather than a core dump.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../support/build.js';
import { GOOD_SPEC, writeSpec } from './support/specs.js';
import { KEEP_LAUNCHER, LAUNCHER, makeTestSnap, testUser, type TestSnap } from './support/snaps.js';

const SANITIZED = resolve(ROOT, 'native/build/sanitize/snappy-debug-confine');
const SPEC_FUZZ = resolve(ROOT, 'native/build/sanitize/spec-fuzz');
const SANITIZER_REPORT = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error|==\d+==/;
const ASAN_OPTIONS = 'abort_on_error=0';

const NAME = 'sd-sanitize';
const YAML = `name: ${NAME}
version: '1'
confinement: strict
apps:
  app:
    command: bin/snap-app
  probe:
    command: bin/escape-probe
`;
const user = testUser();
let snap: TestSnap;
let work: string;
const connectionsFile = `/var/tmp/snappy-debug-connections.sanitize.${process.pid}.json`;

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `snappy-debug ARGS` with the launcher at `launcher` (SNAPPY_DEBUG_CONFINE). */
async function cli(launcher: string, args: readonly string[]): Promise<Result> {
  const child = spawn(process.execPath, [resolve(ROOT, 'dist/src/main.js'), ...args], {
    env: { ...process.env, SNAPPY_DEBUG_CONFINE: launcher, ASAN_OPTIONS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child);
}

function collect(child: ReturnType<typeof spawn>): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((done) => child.on('close', (status) => done({ status, stdout, stderr })));
}

function direct(launcher: string, args: readonly string[], uid?: number): Result {
  const result = spawnSync(launcher, args, {
    encoding: 'utf8',
    env: { ...process.env, ASAN_OPTIONS },
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The launcher's own lines, numbers that differ between runs (pids, times, cgroups) masked. */
function launcherLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('snappy-debug-confine: ') || l.startsWith('snappy-debug: '))
    .map((l) => l.replace(/\d+/g, 'N'));
}

/** Runs the scenario with both builds: same status, stdout and launcher lines; no report. */
async function same(scenario: (launcher: string) => Promise<Result> | Result): Promise<Result> {
  const normal = await scenario(LAUNCHER);
  const sanitized = await scenario(SANITIZED);
  expect(sanitized.stderr).not.toMatch(SANITIZER_REPORT);
  expect(sanitized.status, sanitized.stderr).toBe(normal.status);
  expect(sanitized.stdout.replace(/\d+/g, 'N')).toBe(normal.stdout.replace(/\d+/g, 'N'));
  expect(launcherLines(sanitized.stderr)).toEqual(launcherLines(normal.stderr));
  return sanitized;
}

function runArgs(mode: string, app: string, probes: readonly string[]): string[] {
  return ['run', mode, '--snap', snap.file!, '--user', user.name, `${NAME}.${app}`, '--', ...probes];
}

beforeAll(() => {
  ensureBuilt();
  // make rebuilds only what is older than its sources.
  execFileSync('make', ['-s', '-C', resolve(ROOT, 'native'), 'sanitize'], { stdio: 'ignore' });
  process.env.SNAPPY_DEBUG_CONNECTIONS = connectionsFile;
  snap = makeTestSnap(YAML, { squash: true, helpers: ['escape-probe'] });
  work = mkdtempSync('/var/tmp/snappy-debug-sanitize.');
}, 240_000); // ensureBuilt may compile (tsc), make may build the sanitized binaries

afterAll(() => {
  snap?.cleanup();
  rmSync(work, { recursive: true, force: true });
  rmSync(connectionsFile, { force: true });
  rmSync(`/var/snap/${NAME}`, { recursive: true, force: true });
  rmSync(`/tmp/snap-private-tmp/snap.${NAME}`, { recursive: true, force: true });
  rmSync(`${user.home}/snap/${NAME}`, { recursive: true, force: true });
  delete process.env.SNAPPY_DEBUG_CONNECTIONS;
});

describe('the sanitized launcher behaves as the normal one, with no sanitizer report', () => {
  it('is built with ASan and UBSan', () => {
    expect(readFileSync(SANITIZED).includes('__asan_init')).toBe(true);
    expect(readFileSync(SANITIZED).includes('__ubsan_handle')).toBe(true);
  });

  it('a strict run: ids, a refused syscall and device, writes', async () => {
    const result = await same((l) =>
      cli(
        l,
        runArgs('--strict', 'app', [
          'ids',
          'ioprio',
          'open',
          '/dev/autofs',
          'r',
          'write',
          '/tmp',
          'exit',
          '3',
        ]),
      ),
    );
    expect(result.status).toBe(3);
    expect(result.stdout).toContain('ioprio errno=EPERM\nopen /dev/autofs errno=EPERM\nwrite /tmp ok\n');
  });

  it('a devmode run', async () => {
    const result = await same((l) =>
      cli(l, runArgs('--devmode', 'app', ['ioprio', 'open', '/dev/autofs', 'r'])),
    );
    expect(result.stdout).toBe('ioprio ok\nopen /dev/autofs ok\n');
  });

  it('the escape probe in strict', async () => {
    const probes = ['capset', 'cgroup-root', 'bpf-detach', 'mount', 'unshare-user', 'open=/dev/kmsg', 'fds'];
    const result = await same((l) => cli(l, runArgs('--strict', 'probe', probes)));
    expect(result.stdout).toMatch(/^ATTEMPT open=\/dev\/kmsg denied EPERM$/m);
  });

  it('bad tags, options, classic, not root', async () => {
    const cases = [
      ['--spec', '/dev/null', 'snap.Bad..app', '/bin/true'],
      ['--spec', '/dev/null', 'firefox', '/bin/true'],
      ['--spec', '/dev/null', `snap.${'a'.repeat(41)}.app`, '/bin/true'],
      ['--frobnicate', 'snap.a.b', '/bin/true'],
      ['--classic', '--spec', '/dev/null', 'snap.a.b', '/bin/true'],
      ['--spec-fd', '99', 'snap.a.b', '/bin/true'],
      ['--spec-fd', 'x', 'snap.a.b', '/bin/true'],
      ['snap.a.b'],
      [],
    ];
    for (const args of cases) {
      const result = await same((l) => direct(l, args));
      expect(result.status).toBe(1);
    }
    const notRoot = await same((l) => direct(l, ['--spec', '/dev/null', 'snap.a.b', '/bin/true'], 65534));
    expect(notRoot.stderr).toContain('needs root');
  });

  it('bad spec files and missing files', async () => {
    const specs = [
      [...GOOD_SPEC, 'colour blue'],
      ['snappy-debug-spec 2', ...GOOD_SPEC.slice(1)],
      [...GOOD_SPEC, 'cwd home'],
      [...GOOD_SPEC, 'device x 1 2'],
      [...GOOD_SPEC, 'device c 1 0x3'],
      [...GOOD_SPEC, `env ${'A'.repeat(5000)}=1`],
      [...GOOD_SPEC, `snap-dir /${'d/'.repeat(3000)}`],
      GOOD_SPEC.filter((l) => !l.startsWith('seccomp')),
      GOOD_SPEC.map((l) => (l.startsWith('tag') ? 'tag snap.other.app' : l)),
      GOOD_SPEC,
      [...GOOD_SPEC, 'snap-source squashfs /nonexistent/x.snap'],
      [],
    ];
    for (const lines of specs) {
      const path = writeSpec(work, lines);
      const result = await same((l) => direct(l, ['--spec', path, 'snap.errs.app', '/bin/true']));
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^snappy-debug-confine: cannot .+\n$/m);
    }
    await same((l) => direct(l, ['--spec', '/nonexistent/spec', 'snap.errs.app', '/bin/true']));
  });

  it('a command that cannot be executed inside the sandbox (the child dies after the drop)', async () => {
    const result = await same((l) =>
      cli(l, [
        'run',
        '--strict',
        '--snap',
        snap.file!,
        '--user',
        user.name,
        `${NAME}.app`,
        '--',
        'exit',
        '0',
      ]),
    );
    expect(result.status).toBe(0);
    // The snap's own command replaced by one that does not exist: prepared by a run, so read its spec.
    const missing = await same(async (l) => {
      const { prepareSnapRun } = await import('../../src/commands/run.js');
      const { parseSnapApp } = await import('../../src/launch/run-support.js');
      const run = await prepareSnapRun(
        { ref: parseSnapApp(`${NAME}.app`)!, snapPath: snap.file!, user: user.name, args: [] },
        'strict',
      );
      try {
        const args = [...run.prepared.launcherArgs];
        args[args.length - 1] = `/snap/${NAME}/x1/bin/no-such-command`;
        return await collect(
          spawn(l, args, { env: { ...process.env, ASAN_OPTIONS }, stdio: ['ignore', 'pipe', 'pipe'] }),
        );
      } finally {
        run.prepared.cleanup();
      }
    });
    expect(missing.stderr).toContain(
      `snappy-debug-confine: cannot execute /snap/${NAME}/x1/bin/no-such-command: No such file or directory\n`,
    );
    expect(missing.status).toBe(1);
  });

  it('a pre-placed symlink for the private /tmp (the child dies as root, before the drop)', async () => {
    const { prepareSnapRun } = await import('../../src/commands/run.js');
    const { parseSnapApp } = await import('../../src/launch/run-support.js');
    const result = await same(async (l) => {
      const run = await prepareSnapRun(
        { ref: parseSnapApp(`${NAME}.app`)!, snapPath: snap.file!, user: user.name, args: ['exit', '0'] },
        'strict',
      );
      try {
        // Its own mount namespace and /tmp: the host's /tmp/snap-private-tmp stays as it is.
        const script = `${KEEP_LAUNCHER} && mount -t tmpfs tmpfs /tmp && mkdir -m 0700 /tmp/snap-private-tmp && ln -s /var/empty /tmp/snap-private-tmp/snap.${NAME} && exec "$@"`;
        const wrap = ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', l];
        return await collect(
          spawn('unshare', [...wrap, ...run.prepared.launcherArgs], {
            env: { ...process.env, ASAN_OPTIONS },
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        );
      } finally {
        run.prepared.cleanup();
      }
    });
    expect(result.stderr).toContain(`cannot open /tmp/snap-private-tmp/snap.${NAME}: Not a directory\n`);
    expect(result.status).toBe(1);
  });

  it('the app killed with SIGKILL: 137 and the cgroup removed', async () => {
    for (const launcher of [LAUNCHER, SANITIZED]) {
      const child = spawn(
        process.execPath,
        [resolve(ROOT, 'dist/src/main.js'), ...runArgs('--strict', 'app', ['pid', 'sleep', '60'])],
        {
          env: { ...process.env, SNAPPY_DEBUG_CONFINE: launcher, ASAN_OPTIONS },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      const done = collect(child);
      const deadline = Date.now() + 30_000;
      while (!/^pid \d+$/m.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      process.kill(Number(/^pid (\d+)$/m.exec(out)![1]), 'SIGKILL');
      const result = await done;
      expect(result.status).toBe(137);
      expect(result.stderr).not.toMatch(SANITIZER_REPORT);
      const scopes = readdirSync('/sys/fs/cgroup/unified/snappy-debug').filter((e) =>
        e.startsWith(`snap.${NAME}.`),
      );
      expect(scopes).toEqual([]);
    }
  });
});

/** A small seeded generator, so that a failing input can be made again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FULL_SPEC = [
  'snappy-debug-spec 1',
  'tag snap.fuzz_k1.app',
  'snap-dir /snap/fuzz/x1',
  'snap-source squashfs /var/tmp/fuzz.snap',
  'uid 1000',
  'gid 1000',
  'group 27',
  'seccomp /run/snappy-debug/fuzz/seccomp.bin2',
  'device c 1 3',
  'device b 7 *',
  'root-dir 0755 /var/snap/fuzz/x1',
  'user-dir 0700 /run/user/1000/snap.fuzz',
  'env SNAP=/snap/fuzz/x1',
  'env EMPTY=',
  'remap /var/snap/fuzz_k1 /var/snap/fuzz',
  'layout bind /snap/fuzz/x1/lib /usr/lib/fuzz',
  'layout bind-file /snap/fuzz/x1/etc/f /etc/f',
  'base-root /var/tmp/base',
  'cwd /home/u',
];
const VALUES = [
  '',
  ' ',
  '/',
  '/a/../b',
  '/./a',
  'rel',
  '0',
  '4294967294',
  '4294967295',
  '-1',
  '0x10',
  '*',
  '0777',
  '07777',
  '010000',
  '8',
  'c',
  'b',
  'x',
  'c 1',
  'c 1 2 3',
  'bind / /',
  'squashfs',
  'dir /d',
  'A=B',
  '=B',
  'A-B=1',
  'snap.a.b',
  'snap.A..b',
  '%s%n%x',
  '\t',
  '\r',
  'é',
  '\u00ff',
];
const KEYS = [
  'tag',
  'snap-dir',
  'snap-source',
  'uid',
  'gid',
  'group',
  'seccomp',
  'device',
  'root-dir',
  'user-dir',
  'env',
  'remap',
  'layout',
  'base-root',
  'cwd',
  'colour',
  '',
];

function mutate(next: () => number): Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  let lines = [...FULL_SPEC];
  const rounds = 1 + Math.floor(next() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(next() * lines.length);
    switch (Math.floor(next() * 8)) {
      case 0:
        lines.splice(at, 1);
        break;
      case 1:
        lines.splice(at, 0, ...Array<string>(1 + Math.floor(next() * 300)).fill(lines[at] ?? ''));
        break;
      case 2:
        lines.splice(at, 0, `${pick(KEYS)} ${pick(VALUES)}`);
        break;
      case 3:
        lines[at] =
          `${(lines[at] ?? '').split(' ')[0]} ${pick(['/', 'A', '0'])}${'x'.repeat(Math.floor(next() * 6000))}`;
        break;
      case 4:
        lines[at] = `${(lines[at] ?? '').split(' ')[0]} ${pick(VALUES)} ${pick(VALUES)} ${pick(VALUES)}`;
        break;
      case 5:
        lines = lines.slice(0, at);
        break;
      case 6:
        lines[at] = (lines[at] ?? '').replace(' ', pick(['\t', '  ', '', '\n', ' \r']));
        break;
      default:
        lines.splice(at, 0, '');
    }
  }
  const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  if (bytes.length > 0 && next() < 0.3) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
  if (next() < 0.1) return bytes.subarray(0, Math.floor(next() * bytes.length));
  return bytes;
}

describe('the spec parser under ASan and UBSan, fed mutated spec files', () => {
  it('2000 mutations: each accepted or refused with one "cannot" line, no sanitizer report', async () => {
    const dir = join(work, 'fuzz');
    mkdirSync(dir);
    const next = random(20261122);
    const files: string[] = [];
    for (let i = 0; i < 2000; i++) {
      files.push(join(dir, String(i)));
      writeFileSync(files[i]!, mutate(next));
    }
    const special = {
      valid: `${FULL_SPEC.join('\n')}\n`,
      big: `snappy-debug-spec 1\n${'env A=1\n'.repeat(150_000)}`,
      empty: '',
    };
    for (const [name, text] of Object.entries(special)) {
      files.push(join(dir, name));
      writeFileSync(join(dir, name), text);
    }
    // Two harnesses at once, one per core. No leak check here: every refusal ends the child, so
    // a leak means nothing, and the check costs some 30 ms per file.
    const half = Math.ceil(files.length / 2);
    const results = await Promise.all(
      [files.slice(0, half), files.slice(half)].map((batch) =>
        collect(
          spawn(SPEC_FUZZ, batch, {
            env: { ...process.env, ASAN_OPTIONS: `${ASAN_OPTIONS}:detect_leaks=0` },
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        ),
      ),
    );
    const stdout = results.map((r) => r.stdout).join('');
    const stderr = results.map((r) => r.stderr).join('');
    expect(results.map((r) => r.status)).toEqual([0, 0]);
    expect(stderr).not.toMatch(SANITIZER_REPORT);
    const outcomes = new Map(
      stdout
        .trimEnd()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]),
    );
    expect(outcomes.size).toBe(files.length);
    const refused = [...outcomes.values()].filter((o) => o === 'refused 1').length;
    const accepted = [...outcomes.values()].filter((o) => o === 'accepted').length;
    expect(refused + accepted).toBe(files.length);
    expect(outcomes.get(join(dir, 'valid'))).toBe('accepted');
    expect(outcomes.get(join(dir, 'big'))).toBe('refused 1');
    expect(outcomes.get(join(dir, 'empty'))).toBe('refused 1');
    const messages = stderr.trimEnd().split('\n');
    expect(messages).toHaveLength(refused);
    const odd = messages.filter(
      (line) =>
        !/^snappy-debug-confine: cannot (read spec \S+|use security tag ".*")(: | line \d+: ).+$/s.test(line),
    );
    expect(odd).toEqual([]);
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(1000);
    console.log(`spec-fuzz: ${files.length} files, ${accepted} accepted, ${refused} refused`);
  });
});
