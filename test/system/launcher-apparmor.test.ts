/**
 * The AppArmor profiles `run` writes, compiled by Debian's real apparmor_parser (-Q: no kernel
 * load, -K: no cache; this kernel has no AppArmor), and the launcher's AppArmor spec key.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRun, type Mode, type PreparedRun } from '../../src/launch/prepare.js';
import { locateSnap } from '../../src/snap/locate.js';
import { loadRules } from '../../src/suggest/load.js';
import type { RuleSet } from '../../src/suggest/rules.js';
import { LAUNCHER, makeTestSnap, testUser, type TestSnap } from './support/snaps.js';
import { ensureBuilt } from '../support/build.js';

const PLUGS = [
  'network',
  'home',
  'desktop',
  'x11',
  'gsettings',
  'modem-manager',
  'docker-support',
  'steam-support',
  'network-control',
  'mount-observe',
];

const YAML = `name: sd-aa-test
version: '1'
apps:
  app:
    command: bin/snap-app
    plugs: [${PLUGS.join(', ')}]
hooks:
  configure: {}
`;

let work: string;
let snap: TestSnap;
let rules: RuleSet;
const prepared: PreparedRun[] = [];

beforeAll(() => {
  ensureBuilt();
  work = mkdtempSync('/var/tmp/snappy-debug-aa.');
  snap = makeTestSnap(YAML);
  rules = loadRules();
});

afterAll(() => {
  for (const run of prepared) run.cleanup();
  snap?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function parse(file: string): { status: number | null; error: string } {
  const result = spawnSync('apparmor_parser', ['-QK', file], { encoding: 'utf8' });
  const error = result.stderr
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('Cache read/write disabled'))
    .join('\n');
  return { status: result.status, error };
}

async function prepare(options: {
  mode: Mode;
  plugs: readonly string[];
  instance?: string;
  hook?: string;
  apparmorRules?: readonly string[];
}): Promise<PreparedRun> {
  const instance = options.instance ?? 'sd-aa-test';
  const located = await locateSnap('sd-aa-test', snap.dir, instance);
  const user = testUser();
  const run = prepareRun({
    snap: located,
    appName: 'app',
    instance,
    ...(options.hook !== undefined ? { hookName: options.hook } : {}),
    mode: options.mode,
    user: { ...user, groups: [] },
    args: [],
    rules,
    connectedPlugs: options.plugs,
    inventory: [],
    apparmor: false,
    runDir: work,
    ...(options.apparmorRules !== undefined ? { apparmorRules: options.apparmorRules } : {}),
  });
  prepared.push(run);
  return run;
}

describe('the AppArmor profile run writes', () => {
  it('compiles for an app with ten connected interfaces, strict', async () => {
    const run = await prepare({ mode: 'strict', plugs: PLUGS });
    const text = readFileSync(run.apparmorProfilePath, 'utf8');
    for (const plug of PLUGS) expect(text).toContain(`  # interface ${plug}\n`);
    expect(text).toContain('profile "snap.sd-aa-test.app" flags=(attach_disconnected,mediate_deleted) {');
    expect(parse(run.apparmorProfilePath)).toEqual({ status: 0, error: '' });
    // Without a kernel to load it into, the spec does not name it.
    expect(readFileSync(run.specPath, 'utf8')).not.toContain('apparmor-profile');
  });

  it('compiles in devmode (complain), for a hook and for a parallel instance', async () => {
    const devmode = await prepare({ mode: 'devmode', plugs: ['network', 'home'] });
    expect(readFileSync(devmode.apparmorProfilePath, 'utf8')).toContain(
      'flags=(attach_disconnected,mediate_deleted,complain)',
    );
    const hook = await prepare({ mode: 'strict', plugs: ['network'], hook: 'configure' });
    expect(hook.tag).toBe('snap.sd-aa-test.hook.configure');
    const instance = await prepare({ mode: 'strict', plugs: ['home'], instance: 'sd-aa-test_two' });
    expect(readFileSync(instance.apparmorProfilePath, 'utf8')).toContain(
      '@{SNAP_INSTANCE_NAME}="sd-aa-test_two"',
    );
    for (const run of [devmode, hook, instance])
      expect(parse(run.apparmorProfilePath)).toEqual({ status: 0, error: '' });
  });

  it('compiles with the overlay rules, and a broken one fails with the parser message for its line', async () => {
    const good = await prepare({
      mode: 'strict',
      plugs: [],
      apparmorRules: ['/opt/sd-data/** rk,', 'capability chown,'],
    });
    expect(parse(good.apparmorProfilePath)).toEqual({ status: 0, error: '' });
    const bad = await prepare({ mode: 'strict', plugs: [], apparmorRules: ['capability frobnicate,'] });
    const lines = readFileSync(bad.apparmorProfilePath, 'utf8').split('\n');
    const line = lines.indexOf('  capability frobnicate,') + 1;
    expect(line).toBeGreaterThan(0);
    const result = parse(bad.apparmorProfilePath);
    expect(result.status).not.toBe(0);
    expect(result.error).toBe(
      `AppArmor parser error for ${bad.apparmorProfilePath} in profile ${bad.apparmorProfilePath} at line ${line}: Invalid capability frobnicate.`,
    );
  });
});

describe('the launcher and the apparmor-profile spec key on a kernel without AppArmor', () => {
  const spec = (extra: string): string => {
    const path = join(work, `spec-${Math.random().toString(36).slice(2)}`);
    const lines = [
      'snappy-debug-spec 1',
      'tag snap.sd-aa-test.app',
      'snap-dir /snap/sd-aa-test/x1',
      'uid 65534',
      'gid 65534',
      'seccomp /nonexistent/seccomp.bin2',
      extra,
      'cwd /',
    ];
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const launch = (extra: string) =>
    spawnSync(LAUNCHER, ['--spec', spec(extra), 'snap.sd-aa-test.app', '/bin/true'], { encoding: 'utf8' });

  it('refuses a profile it cannot switch to, naming why', () => {
    const missing = launch('apparmor-profile snap.sd-aa-test.app');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(
      'snappy-debug-confine: cannot run snap.sd-aa-test.app: the spec names AppArmor profile snap.sd-aa-test.app, but AppArmor is not available\n',
    );
    const other = launch('apparmor-profile unconfined');
    expect(other.stderr).toBe(
      'snappy-debug-confine: cannot run snap.sd-aa-test.app: the AppArmor profile "unconfined" is not its security tag\n',
    );
    const spaced = launch('apparmor-profile a b');
    expect(spaced.stderr).toMatch(
      /^snappy-debug-confine: cannot read spec \S+ line 7: apparmor-profile needs a profile name without spaces or slashes, got "a b"\n$/,
    );
  });
});
