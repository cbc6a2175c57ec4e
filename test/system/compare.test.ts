import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from './support/cli.js';
import { makeTestSnap, type TestSnap } from './support/snaps.js';
import { ensureBuilt } from '../support/build.js';

const NAME = 'sd-compare-test';
const YAML = `name: ${NAME}
version: '1'
confinement: strict
apps:
  app:
    command: bin/check
    plugs: [fuse-support]
`;

/** Echoes a line of stdin, runs the probes and fails when any of them was refused. */
const CHECK = `#!/bin/sh
read -r line
echo "stdin: $line"
out=$("$SNAP/bin/snap-app" "$@")
echo "$out"
case "$out" in *errno=*) exit 1 ;; esac
`;

interface JsonRun {
  readonly exit: number;
  readonly duration_ms: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly denials: readonly JsonDenial[];
}

interface JsonDenial {
  readonly kind: string;
  readonly decision: string;
  readonly pid: number;
  readonly syscall: { readonly name: string | null } | null;
  readonly device: { readonly major: number; readonly minor: number; readonly name?: string } | null;
  readonly suggestions: readonly { readonly kind: string; readonly id: string }[];
}

interface JsonComparison {
  readonly strict: JsonRun;
  readonly devmode: JsonRun;
  readonly only_strict: readonly JsonDenial[];
  readonly same: boolean;
  readonly verdict: string;
}

let snap: TestSnap;
const connectionsFile = `/var/tmp/snappy-debug-connections.compare.${process.pid}.json`;

// As root without capabilities: /dev/fuse is root's, so only the device cgroup can refuse it.
function compare(probes: readonly string[], json = true) {
  const args = ['compare', ...(json ? ['--json'] : []), '--snap', snap.dir, '--user', 'root', `${NAME}.app`];
  return runCli([...args, '--', ...probes], 'hello from stdin\n');
}

function parsed(stdout: string): JsonComparison {
  return JSON.parse(stdout) as JsonComparison;
}

const accessOf = (d: JsonDenial): string =>
  d.kind === 'seccomp' ? `seccomp ${d.syscall?.name}` : `${d.kind} ${d.device?.major}:${d.device?.minor}`;

beforeAll(() => {
  ensureBuilt();
  process.env.SNAPPY_DEBUG_CONNECTIONS = connectionsFile;
  snap = makeTestSnap(YAML);
  writeFileSync(join(snap.dir, 'bin/check'), CHECK);
  chmodSync(join(snap.dir, 'bin/check'), 0o755);
});

afterAll(() => {
  snap?.cleanup();
  rmSync(connectionsFile, { force: true });
  rmSync(`/var/snap/${NAME}`, { recursive: true, force: true });
  rmSync(`/root/snap/${NAME}`, { recursive: true, force: true });
  delete process.env.SNAPPY_DEBUG_CONNECTIONS;
});

describe('compare on the real kernel', () => {
  it('reports the seccomp and device denials only strict enforces and the differing exit status', () => {
    const result = compare(['ioprio', 'open', '/dev/fuse', 'w']);
    expect(result.status, result.stderr).toBe(1);
    const report = parsed(result.stdout);
    expect(report.strict).toMatchObject({
      exit: 1,
      stdout: 'stdin: hello from stdin\nioprio errno=EPERM\nopen /dev/fuse errno=EPERM\n',
      stderr: '',
    });
    expect(report.devmode).toMatchObject({
      exit: 0,
      stdout: 'stdin: hello from stdin\nioprio ok\nopen /dev/fuse ok\n',
      stderr: '',
    });
    expect(report.strict.denials.map((d) => [accessOf(d), d.decision]).sort()).toEqual([
      ['cgroup 10:229', 'DENIED'],
      ['seccomp ioprio_set', 'DENIED'],
    ]);
    expect(report.devmode.denials.map((d) => [accessOf(d), d.decision]).sort()).toEqual([
      ['cgroup 10:229', 'ALLOWED'],
      ['seccomp ioprio_set', 'ALLOWED'],
    ]);
    // Each run's denials are its own processes'.
    const strictPids = new Set(report.strict.denials.map((d) => d.pid));
    expect(report.devmode.denials.filter((d) => strictPids.has(d.pid))).toEqual([]);
    expect(report.only_strict.map(accessOf)).toEqual(['cgroup 10:229', 'seccomp ioprio_set']);
    expect(report.only_strict[0]!.suggestions[0]).toMatchObject({ kind: 'interface', id: 'fuse-support' });
    expect(report.same).toBe(false);
    expect(report.verdict).toMatch(
      /^strict exits 1 where devmode exits 0, and stdout differs; the denials only strict enforces: device c 10:229 \(\/dev\/fuse\), seccomp ioprio_set; suggested: plug fuse-support, \S/,
    );
  });

  it('prints a header per run, the stdout diff and the verdict as text', () => {
    const result = compare(['open', '/dev/fuse', 'w'], false);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toMatch(
      /^== strict: exit 1, \d+ ms, 1 denial\nstdout: 51 bytes\n {2}\| stdin: hello from stdin\n {2}\| open \/dev\/fuse errno=EPERM\nstderr: empty\ndenials:\n {2}cgroup DENIED c 10:229 \/dev\/fuse w snap\.sd-compare-test\.app pid \d+\n== devmode: exit 0, \d+ ms, 1 denial\n/,
    );
    expect(result.stdout).toContain(
      [
        '== stdout diff (- strict, + devmode)',
        '  stdin: hello from stdin',
        '- open /dev/fuse errno=EPERM',
        '+ open /dev/fuse ok',
        '== stderr: the same in both runs',
        '== verdict',
        'strict exits 1 where devmode exits 0, and stdout differs; the denials only strict enforces: device c 10:229 (/dev/fuse); suggested: plug fuse-support',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toContain(
      `snappy-debug: compared snap.${NAME}.app in strict and devmode; connected: none\n`,
    );
  });

  it('after connecting fuse-support, strict no longer breaks the device part', () => {
    const connect = runCli(['connect', '--snap', snap.dir, `${NAME}:fuse-support`]);
    expect(connect.stdout).toBe(`connected ${NAME}:fuse-support (fuse-support)\n`);

    const both = parsed(compare(['ioprio', 'open', '/dev/fuse', 'w']).stdout);
    expect(both.strict.stdout).toBe('stdin: hello from stdin\nioprio errno=EPERM\nopen /dev/fuse ok\n');
    expect(both.only_strict.map(accessOf)).toEqual(['seccomp ioprio_set']);
    expect(both.strict.denials.filter((d) => d.kind === 'cgroup')).toEqual([]);

    const device = compare(['open', '/dev/fuse', 'w']);
    expect(device.status, device.stderr).toBe(0);
    expect(parsed(device.stdout)).toMatchObject({
      strict: { exit: 0, stdout: 'stdin: hello from stdin\nopen /dev/fuse ok\n', denials: [] },
      devmode: { exit: 0, stdout: 'stdin: hello from stdin\nopen /dev/fuse ok\n', denials: [] },
      only_strict: [],
      same: true,
      verdict:
        'strict behaves like devmode (both exit 0, same output); strict refused nothing devmode allowed',
    });
    expect(device.stderr).toContain('connected: fuse-support\n');
  });
});

describe('compare interrupted', () => {
  it('stops after the run that was interrupted, without starting the other', async () => {
    const running = startCli([
      'compare',
      '--snap',
      snap.dir,
      '--user',
      'root',
      `${NAME}.app`,
      '--',
      'sleep',
      '20',
    ]);
    running.child.stdin.end('x\n');
    await running.waitForStderr('snappy-debug: strict: snappy-debug-confine: AppArmor is not available');
    await new Promise((r) => setTimeout(r, 200));
    expect(await running.stop('SIGTERM')).toBe(130);
    expect(running.stderr()).toContain(
      'snappy-debug: compare: interrupted by SIGTERM during the strict run\n',
    );
    expect(running.stderr()).not.toContain('snappy-debug: devmode:');
    expect(running.stdout()).toBe('');
  });
});

describe('compare usage', () => {
  it('bad usage is one line and exit 2; a snap that cannot be found exits 1', () => {
    expect(runCli(['compare'])).toMatchObject({
      status: 2,
      stderr: 'snappy-debug: compare: SNAP.APP is missing\n',
    });
    expect(runCli(['compare', '--strict', `${NAME}.app`])).toMatchObject({
      status: 2,
      stderr:
        "snappy-debug: compare: Unknown option '--strict'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--strict\"\n",
    });
    expect(runCli(['compare', 'Bad.Name!'])).toMatchObject({
      status: 2,
      stderr: 'snappy-debug: compare: "Bad.Name!" is not SNAP.APP\n',
    });
    const missing = runCli(['compare', '--snap', '/var/tmp/no-such-snap-dir', `${NAME}.app`]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^snappy-debug: compare: .+\n$/);
    expect(missing.stdout).toBe('');
  });
});
