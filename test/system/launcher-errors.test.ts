import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { LAUNCHER, makeTestSnap, type TestSnap } from './support/snaps.js';
import { ensureBuilt } from '../support/build.js';
import { GOOD_SPEC, writeSpec } from './support/specs.js';

let work: string;
const snaps: TestSnap[] = [];

function launcher(args: readonly string[], uid?: number) {
  const result = spawnSync(LAUNCHER, args, {
    encoding: 'utf8',
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync('/var/tmp/snappy-debug-errors.');
});

afterAll(() => {
  for (const snap of snaps) snap.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('snappy-debug-confine refuses bad input with one "cannot" line', () => {
  const cases: [string, readonly string[], string][] = [
    [
      'a bad security tag',
      ['--spec', '/dev/null', 'snap.Bad..app', '/bin/true'],
      'snappy-debug-confine: cannot use security tag "snap.Bad..app": it is not snap.NAME.APP or snap.NAME.hook.HOOK\n',
    ],
    [
      'a tag that is not a snap',
      ['--spec', '/dev/null', 'firefox', '/bin/true'],
      'snappy-debug-confine: cannot use security tag "firefox": it is not snap.NAME.APP or snap.NAME.hook.HOOK\n',
    ],
    [
      'an unknown option',
      ['--frobnicate', 'snap.a.b', '/bin/true'],
      'snappy-debug-confine: cannot use option "--frobnicate"\nusage: snappy-debug-confine [--classic] [--base BASE] [--devmode] (--spec FILE | --spec-fd N) [--report-fd N] SECURITY_TAG COMMAND [ARGS...]\n',
    ],
    [
      'classic confinement',
      ['--classic', '--spec', '/dev/null', 'snap.a.b', '/bin/true'],
      'snappy-debug-confine: cannot run snap.a.b: classic confinement is not supported by this launcher\n',
    ],
  ];
  it.each(cases)('%s', (_, args, message) => {
    const result = launcher(args);
    expect(result.stderr).toBe(message);
    expect(result.status).toBe(1);
  });

  it('a spec with an unknown key, a bad header, a relative path, a missing line, another tag', () => {
    const bad = (lines: readonly string[]) =>
      launcher(['--spec', writeSpec(work, lines), 'snap.errs.app', '/bin/true']).stderr;
    expect(bad([...GOOD_SPEC, 'colour blue'])).toMatch(
      /^snappy-debug-confine: cannot read spec \S+ line 8: unknown key "colour"\n$/,
    );
    expect(bad(['snappy-debug-spec 2', ...GOOD_SPEC.slice(1)])).toMatch(
      /line 1: the first line must be "snappy-debug-spec 1"\n$/,
    );
    expect(bad([...GOOD_SPEC, 'cwd home'])).toMatch(
      /line 8: cwd needs an absolute path without \. or \.\. components, got "home"\n$/,
    );
    expect(bad([...GOOD_SPEC, 'device x 1 2'])).toMatch(/line 8: device type must be c or b, got "x"\n$/);
    expect(bad([...GOOD_SPEC, 'device c 1 0x3'])).toMatch(
      /line 8: device minor is not a decimal number: "0x3"\n$/,
    );
    expect(bad(GOOD_SPEC.filter((l) => !l.startsWith('seccomp')))).toMatch(/: it has no seccomp line\n$/);
    expect(bad(GOOD_SPEC.map((l) => (l.startsWith('tag') ? 'tag snap.other.app' : l)))).toBe(
      'snappy-debug-confine: cannot run snap.errs.app: the spec is for snap.other.app\n',
    );
    expect(bad(GOOD_SPEC)).toBe(
      'snappy-debug-confine: AppArmor is not available on this system: the app runs without an AppArmor profile\n' +
        'snappy-debug-confine: cannot open seccomp profile /nonexistent/seccomp.bin2: No such file or directory\n',
    );
  });

  it('refuses to run without root', () => {
    const result = launcher(['--spec', '/dev/null', 'snap.a.b', '/bin/true'], 65534);
    expect(result.stderr).toBe(
      'snappy-debug-confine: cannot run: snappy-debug-confine needs root (run it with sudo)\n',
    );
    expect(result.status).toBe(1);
  });
});

describe('snappy-debug run refuses bad input', () => {
  it('an unknown snap', () => {
    const result = runCli(['run', 'nosuchsnap.app']);
    expect(result.stderr).toBe(
      'snappy-debug: run: cannot find snap "nosuchsnap": /snap/nosuchsnap/current does not exist (use --snap PATH for a .snap file or a directory)\n',
    );
    expect(result.status).toBe(1);
  });

  it('a bad SNAP.APP', () => {
    expect(runCli(['run', 'Not_A.Snap!']).stderr).toBe('snappy-debug: run: "Not_A.Snap!" is not SNAP.APP\n');
  });

  it('a broken snap.yaml, naming the key', () => {
    const broken = makeTestSnap('name: broken\nversion: 1\napps:\n  app:\n    command: [1, 2]\n');
    snaps.push(broken);
    const result = runCli(['run', '--snap', broken.dir, 'broken.app']);
    expect(result.stderr).toBe('snappy-debug: run: meta/snap.yaml: apps.app.command: must be a string\n');
    expect(result.status).toBe(1);
  });

  it('a snap that is not the one named', () => {
    const other = makeTestSnap('name: other\nversion: 1\napps:\n  app:\n    command: bin/snap-app\n');
    snaps.push(other);
    expect(runCli(['run', '--snap', other.dir, 'broken.app']).stderr).toBe(
      `snappy-debug: run: cannot run snap "broken": ${other.dir} holds snap "other"\n`,
    );
  });

  it('an unknown app', () => {
    const snap = makeTestSnap('name: noapp\nversion: 1\napps:\n  app:\n    command: bin/snap-app\n');
    snaps.push(snap);
    expect(runCli(['run', '--snap', snap.dir, 'noapp.other']).stderr).toBe(
      'snappy-debug: run: cannot find app "other" in snap "noapp"\n',
    );
  });

  it('a missing base: says so and runs on the host root', () => {
    const snap = makeTestSnap(
      'name: based\nversion: 1\nbase: core99\napps:\n  app:\n    command: bin/snap-app\n',
    );
    snaps.push(snap);
    const result = runCli(['run', '--snap', snap.dir, '--user', 'root', 'based.app', '--', 'exit', '0']);
    expect(result.stderr).toContain(
      'snappy-debug-confine: base snap "core99" is not installed: the app sees the host\'s root filesystem\n',
    );
    expect(result.status).toBe(0);
  });

  it('connect without root cannot write the store', () => {
    const snap = makeTestSnap(
      'name: conn\nversion: 1\nplugs:\n  fuse-support:\napps:\n  app:\n    command: bin/snap-app\n',
    );
    snaps.push(snap);
    execFileSync('chmod', ['-R', 'a+rX', dirname(snap.dir)]);
    const result = runCli(['connect', '--snap', snap.dir, 'conn:fuse-support'], '', { uid: 65534 });
    expect(result.stderr).toBe(
      'snappy-debug: connect: cannot write /var/lib/snappy-debug/connections.json: permission denied\n',
    );
    expect(result.status).toBe(1);
    expect(runCli(['connect', '--snap', snap.dir, 'conn:camera']).stderr).toBe(
      'snappy-debug: connect: snap "conn" has no plug "camera"\n',
    );
    expect(runCli(['connect', 'conn']).stderr).toBe('snappy-debug: connect: "conn" is not SNAP:PLUG\n');
  });

  it('not root', () => {
    const result = runCli(['run', 'hello.app'], '', { uid: 65534 });
    expect(result.stderr).toBe('snappy-debug: run: cannot run without root (use sudo)\n');
    expect(result.status).toBe(1);
  });
});
