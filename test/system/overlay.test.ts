import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { makeTestSnap, testUser, type TestSnap } from './support/snaps.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { prepareRun } from '../../src/launch/prepare.js';
import { overlayChoices } from '../../src/overlay/from-denial.js';
import { addEntry, emptyOverlay } from '../../src/overlay/overlay.js';
import { locateSnap } from '../../src/snap/locate.js';
import { loadRules } from '../../src/suggest/load.js';
import { parseLine } from '../../src/parse/index.js';

const NAME = 'sd-overlay-test';
const YAML = `name: ${NAME}
version: '1'
confinement: strict
apps:
  app:
    command: bin/check
`;

/**
 * ioprio_set is outside the default seccomp template; /dev/kmsg (c 1:11) is not on the default
 * device list. Opened for writing, it needs no CAP_SYSLOG: only the sandbox can refuse it.
 */
const PROBES = ['ioprio', 'open', '/dev/kmsg', 'w'];
const CHECK = `#!/bin/sh
out=$("$SNAP/bin/snap-app" "$@")
echo "$out"
case "$out" in *errno=*) exit 1 ;; esac
`;

let snap: TestSnap;
let work: string;
let overlayFile: string;

interface JsonDenial {
  readonly kind: string;
  readonly syscall: { readonly name: string | null } | null;
  readonly device: { readonly major: number; readonly minor: number } | null;
}

const accessOf = (d: JsonDenial): string =>
  d.kind === 'seccomp' ? `seccomp ${d.syscall?.name}` : `${d.kind} ${d.device?.major}:${d.device?.minor}`;

const strictRun = (...extra: string[]) =>
  runCli(['run', ...extra, '--snap', snap.dir, '--user', 'root', `${NAME}.app`, '--', ...PROBES]);
const overlay = (args: readonly string[], input = '') => runCli(['overlay', NAME, ...args], input);

/** Syscalls of the seccomp denials only strict enforced, from `compare --json` output. */
function onlyStrictSyscalls(stdout: string): string[] {
  try {
    const report = JSON.parse(stdout) as { only_strict: JsonDenial[] };
    return report.only_strict.flatMap((d) => (d.syscall?.name ? [d.syscall.name] : []));
  } catch {
    return [];
  }
}

/** stdout of an `overlay` command that must succeed (its stderr shown when it did not). */
function overlayOut(args: readonly string[], input = ''): string {
  const result = overlay(args, input);
  expect(result.status, `overlay ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/**
 * Runs `attempt` again until `done` holds or the deadline passes. The app's refusals are the
 * kernel's and always happen; the seccomp *record* can be lost when other tests on this machine
 * start auditd (records go to it, not to the kernel log) or exhaust printk's rate limit.
 */
async function retried<T>(attempt: () => T, done: (result: T) => boolean, deadlineMs = 60_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let result = attempt();
  while (!done(result) && Date.now() < deadline) {
    // Let vitest's worker answer its runner between the blocking runs.
    await new Promise((resolveLater) => setTimeout(resolveLater, 100));
    result = attempt();
  }
  return result;
}

/** The launcher's report lines a strict run wrote (the denials), as `overlay allow` reads them. */
function denialLines(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.includes('type=DEVICE_CGROUP') || l.includes('type=1326'))
    .join('\n');
}

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync('/var/tmp/snappy-debug-overlay.');
  process.env.SNAPPY_DEBUG_OVERLAYS = join(work, 'overlays');
  process.env.SNAPPY_DEBUG_CONNECTIONS = join(work, 'connections.json');
  overlayFile = join(work, 'overlays', `${NAME}.json`);
  snap = makeTestSnap(YAML);
  writeFileSync(join(snap.dir, 'bin/check'), CHECK);
  chmodSync(join(snap.dir, 'bin/check'), 0o755);
});

afterAll(() => {
  snap?.cleanup();
  rmSync(work, { recursive: true, force: true });
  rmSync(`/var/snap/${NAME}`, { recursive: true, force: true });
  rmSync(`/root/snap/${NAME}`, { recursive: true, force: true });
  delete process.env.SNAPPY_DEBUG_OVERLAYS;
  delete process.env.SNAPPY_DEBUG_CONNECTIONS;
});

describe('policy overlay on the real kernel', () => {
  let denials = '';

  it('compare: the seccomp and device denials only strict enforces, and the exit statuses differ', async () => {
    const result = await retried(
      () =>
        runCli(['compare', '--json', '--snap', snap.dir, '--user', 'root', `${NAME}.app`, '--', ...PROBES]),
      (r) => onlyStrictSyscalls(r.stdout).includes('ioprio_set'),
    );
    expect(result.status, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as {
      strict: { exit: number; stdout: string };
      devmode: { exit: number; stdout: string };
      only_strict: JsonDenial[];
    };
    expect(report.strict).toMatchObject({
      exit: 1,
      stdout: 'ioprio errno=EPERM\nopen /dev/kmsg errno=EPERM\n',
    });
    expect(report.devmode).toMatchObject({ exit: 0, stdout: 'ioprio ok\nopen /dev/kmsg ok\n' });
    expect(report.only_strict.map(accessOf)).toEqual(['cgroup 1:11', 'seccomp ioprio_set']);
    expect(result.stderr).not.toContain('snappy-debug: overlay ');
  });

  it('allowing those denials through the overlay makes the strict run pass', async () => {
    const before = await retried(strictRun, (r) => r.stderr.includes('seccomp DENIED ioprio_set'));
    expect(before.status, before.stderr).toBe(1);
    expect(before.stderr).toContain('snappy-debug: 2 denials in this run\n');
    denials = denialLines(before.stderr);

    const allow = overlay(['allow'], denials);
    expect(allow.status, allow.stderr).toBe(0);
    expect(allow.stdout).toBe(
      [
        `added 1. device: c 1:11 (/dev/kmsg)  (device c 1:11 /dev/kmsg w by snap.${NAME}.app)`,
        `added 2. seccomp: ioprio_set  (seccomp ioprio_set by snap ${NAME})`,
        `2 denials of ${NAME}: 2 entries added`,
        '',
      ].join('\n'),
    );
    expect(overlayOut(['allow'], denials)).toBe(`2 denials of ${NAME}: 0 entries added, 2 already allowed\n`);

    const after = strictRun();
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toBe('ioprio ok\nopen /dev/kmsg ok\n');
    expect(after.stderr).toContain(`snappy-debug: overlay ${overlayFile}: 2 entries applied\n`);
    expect(after.stderr).toContain('snappy-debug: 0 denials in this run\n');

    const compared = runCli([
      'compare',
      '--snap',
      snap.dir,
      '--user',
      'root',
      `${NAME}.app`,
      '--',
      ...PROBES,
    ]);
    expect(compared.status, compared.stdout).toBe(0);
    expect(compared.stderr).toContain(`snappy-debug: overlay ${overlayFile}: 2 entries applied\n`);
  });

  it('the export contains the seccomp line and the device that did it', () => {
    const policy = overlay(['export', '--policy']);
    expect(policy.status, policy.stderr).toBe(0);
    expect(policy.stdout).toContain(`seccomp:\n  - ioprio_set  # seccomp ioprio_set by snap ${NAME}\n`);
    expect(policy.stdout).toContain(
      `devices:\n  - { kernel: kmsg }  # c 1:11 (/dev/kmsg); device c 1:11 /dev/kmsg w by snap.${NAME}.app\n`,
    );
    const file = join(work, 'export.md');
    expect(overlayOut(['export', '-o', file])).toBe(`wrote ${file}\n`);
    expect(readFileSync(file, 'utf8')).toContain('| 2 | `seccomp: ioprio_set` |');
  });

  it('removing an entry, or --no-overlay, brings the failure back', () => {
    expect(overlayOut(['remove', '2'])).toBe('removed 2. seccomp: ioprio_set\n');
    const without = strictRun();
    expect(without.status).toBe(1);
    expect(without.stdout).toBe('ioprio errno=EPERM\nopen /dev/kmsg ok\n');

    const skipped = strictRun('--no-overlay');
    expect(skipped.status).toBe(1);
    expect(skipped.stdout).toBe('ioprio errno=EPERM\nopen /dev/kmsg errno=EPERM\n');
    expect(skipped.stderr).not.toContain('snappy-debug: overlay ');
  });

  it('seccomp @unrestricted is a toggle, clearly marked while on', () => {
    expect(overlayOut(['unrestricted', 'on'])).toBe(
      `seccomp of ${NAME} is now UNRESTRICTED in runs (@unrestricted): no filter is enforced\n`,
    );
    const run = strictRun();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      `snappy-debug: overlay ${overlayFile}: 1 entry applied, seccomp unrestricted\n`,
    );
    expect(run.stderr).toContain(
      'snappy-debug: overlay: seccomp is UNRESTRICTED (@unrestricted): no seccomp filter is enforced in this run\n',
    );
    expect(overlayOut([])).toContain(
      '  seccomp: UNRESTRICTED (@unrestricted): no seccomp filter is enforced\n',
    );
    expect(overlayOut(['unrestricted', 'off'])).toBe(`seccomp of ${NAME} is enforced again\n`);
    const enforced = strictRun();
    expect(enforced.status, enforced.stderr).toBe(1);
    expect(enforced.stdout).toBe('ioprio errno=EPERM\nopen /dev/kmsg ok\n');
  });

  it('connecting the suggested interfaces instead also makes it pass, and the export has the plugs', () => {
    expect(overlayOut(['clear'])).toBe(`removed ${overlayFile}\n`);
    const allow = overlay(['allow', '2'], denials);
    expect(allow.stdout).toBe(
      [
        `added 1. connect: log-observe  (device c 1:11 /dev/kmsg w by snap.${NAME}.app)`,
        `added 2. connect: docker-support  (seccomp ioprio_set by snap ${NAME})`,
        `2 denials of ${NAME}: 2 entries added`,
        '',
      ].join('\n'),
    );
    const run = strictRun();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`connected: log-observe, docker-support\n`);
    expect(run.stderr).toContain('snappy-debug: 0 denials in this run\n');

    expect(overlayOut(['export', '--plugs', '--snap', snap.dir])).toBe(
      'plugs:\n  log-observe: null\n  docker-support: null\n',
    );
    expect(overlayOut(['export', '--connect'])).toBe(
      `snap connect ${NAME}:log-observe\nsnap connect ${NAME}:docker-support\n`,
    );
  });

  it('a malformed overlay file is one exact line and exit 1, for run and for overlay', () => {
    writeFileSync(
      overlayFile,
      '{"snap":"sd-overlay-test","unrestricted":false,"entries":[{"kind":"device","type":"x","reason":"r"}]}',
    );
    const message = `cannot read overlay ${overlayFile}: entries[0].type is not "c" or "b"`;
    expect(strictRun()).toMatchObject({ status: 1, stdout: '', stderr: `snappy-debug: run: ${message}\n` });
    expect(overlay([])).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `snappy-debug: overlay: ${message}\n`,
    });
    rmSync(overlayFile);
  });
});

describe('overlay usage', () => {
  it('bad input is one line naming what was wrong: exit 2 for usage, 1 for failures', () => {
    const cases: [readonly string[], number, string][] = [
      [
        ['add', 'interface', 'nope'],
        2,
        'overlay: unknown interface "nope": rules/interfaces has no policy for it',
      ],
      [
        ['add', 'seccomp', 'frobnicate 1'],
        2,
        'overlay: seccomp line "frobnicate 1": unknown syscall "frobnicate"',
      ],
      [['add', 'device', 'x', '1', '2'], 2, 'overlay: device type "x" is not c or b'],
      [['add', 'device', 'c', '1', 'y'], 2, 'overlay: device minor "y" is not a number or *'],
      [
        ['add', 'apparmor', '/etc/foo r'],
        2,
        'overlay: cannot read AppArmor rule "/etc/foo r": it must end with ","',
      ],
      [['remove', '3'], 1, `overlay: no entry 3: the overlay of ${NAME} has 0`],
      [['unrestricted', 'maybe'], 2, 'overlay: unrestricted takes on or off'],
      [['allow'], 1, `overlay: no denial of ${NAME} in the input`],
      [['frob'], 2, 'overlay: unknown action "frob" (list, add, allow, remove, unrestricted, export, clear)'],
    ];
    for (const [args, status, message] of cases) {
      expect(overlay(args), args.join(' ')).toMatchObject({
        status,
        stdout: '',
        stderr: `snappy-debug: ${message}\n`,
      });
    }
    expect(runCli(['overlay'])).toMatchObject({
      status: 2,
      stderr: 'snappy-debug: overlay: SNAP is missing\n',
    });
    expect(runCli(['overlay', '--help']).stdout).toMatch(/^Usage: snappy-debug overlay \[--dir DIR\] SNAP/);
  });

  it('add by hand, list and --dir', () => {
    const dir = join(work, 'by-hand');
    const add = (args: readonly string[]) => runCli(['overlay', '--dir', dir, NAME, 'add', ...args]);
    expect(add(['seccomp', 'ioprio_set 1 0']).stdout).toBe(
      `added 1. seccomp: ioprio_set 1 0  (${dir}/${NAME}.json)\n`,
    );
    expect(add(['device', 'c', '136', '*']).stdout).toBe(`added 2. device: c 136:*  (${dir}/${NAME}.json)\n`);
    expect(add(['apparmor', 'capability net_admin,']).stdout).toBe(
      `added 3. apparmor: capability net_admin,  (${dir}/${NAME}.json)\n`,
    );
    expect(add(['device', 'c', '136', '*']).stdout).toBe('already there: 2. device: c 136:*\n');
    expect(runCli(['overlay', '--dir', dir, NAME]).stdout).toBe(
      [
        `overlay of ${NAME} (${dir}/${NAME}.json):`,
        '  1. seccomp: ioprio_set 1 0  (added by hand)',
        '  2. device: c 136:*  (added by hand)',
        '  3. apparmor: capability net_admin,  (added by hand)',
        '',
      ].join('\n'),
    );
  });
});

/** Every string in a YAML document that is an AppArmor record. */
function apparmorLines(file: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.includes('apparmor="')) found.push(value);
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(parseYaml(readFileSync(join(ROOT, file), 'utf8')));
  return found;
}

describe('the exact AppArmor rules of real denials', () => {
  it("are accepted by Debian's apparmor_parser in one profile", () => {
    const rules = new Set<string>();
    for (const line of [
      ...apparmorLines('test/fixtures/corpus/denials.yaml'),
      ...apparmorLines('test/fixtures/lines/real-world.yaml'),
    ]) {
      const parsed = parseLine(line);
      if (parsed.kind !== 'denial') continue;
      for (const entry of overlayChoices(parsed.denial)) if (entry.kind === 'apparmor') rules.add(entry.rule);
    }
    expect(rules.size).toBeGreaterThan(100);
    const list = [...rules];
    const profile = join(work, 'overlay-rules.profile');
    // Line N + 3 of the file is list[N]: the parser's line number names the rule it refuses.
    writeFileSync(
      profile,
      [
        '#include <tunables/global>',
        'profile snappy-debug-overlay-check {',
        ...list.map((r) => `  ${r}`),
        '}',
        '',
      ].join('\n'),
    );
    let stderr = '';
    try {
      execFileSync('apparmor_parser', ['--skip-kernel-load', '--skip-cache', '--quiet', profile], {
        stdio: 'pipe',
      });
    } catch (error) {
      stderr = String((error as { stderr?: Buffer }).stderr ?? error);
      const at = /at line (\d+)/.exec(stderr);
      if (at) stderr += `\nthe rule: ${list[Number(at[1]) - 3]}`;
    }
    expect(stderr).toBe('');
  });
});

describe('the overlay in the prepared launch', () => {
  it('its AppArmor rules are in the profile written for the run, which apparmor_parser compiles', async () => {
    let o = emptyOverlay(NAME);
    for (const rule of ['/opt/sd-overlay/** rk,', 'capability sys_module,', 'network netlink raw,'])
      o = addEntry(o, { kind: 'apparmor', rule, reason: 'added by hand' });
    o = addEntry(o, { kind: 'interface', interface: 'log-observe', reason: 'added by hand' });
    const run = prepareRun({
      snap: await locateSnap(NAME, snap.dir),
      appName: 'app',
      mode: 'strict',
      user: { ...testUser(), groups: [] },
      args: [],
      rules: loadRules(),
      connectedPlugs: [],
      inventory: [],
      apparmor: false,
      runDir: work,
      overlay: o,
    });
    try {
      expect(run.interfaces).toEqual(['log-observe']);
      expect(run.notes).toEqual(['AppArmor is not available: 3 overlay rules not applied']);
      const profile = readFileSync(run.apparmorProfilePath, 'utf8');
      for (const rule of ['/opt/sd-overlay/** rk,', 'capability sys_module,', 'network netlink raw,'])
        expect(profile).toContain(`  ${rule}\n`);
      const parsed = spawnSync(
        'apparmor_parser',
        ['--skip-kernel-load', '--skip-cache', '--quiet', run.apparmorProfilePath],
        {
          encoding: 'utf8',
        },
      );
      expect(parsed.status, parsed.stderr).toBe(0);
    } finally {
      run.cleanup();
    }
  });
});
