/**
 * The launcher's `root-dir` and `user-dir` directories (made_dirs in util.c): a path that is all
 * there, directories all the way and no symlink on the way, is taken as it is in one openat2 call
 * (the fast path); anything else is walked component by component, creating what is missing
 * without following symlinks (the slow path). Both must give what the walk alone gives: an
 * existing path untouched, a missing one created with the mode and owner asked for, and a symlink
 * or a file on the way refused with the walk's message, nothing made through it. A child that
 * dies so, before the supervisor has told it its device cgroup is ready, still leaves nothing.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRun, type PreparedRun } from '../../src/launch/prepare.js';
import { readDeviceInventory } from '../../src/launch/device-inventory.js';
import { resolveUser } from '../../src/launch/user.js';
import { locateSnap } from '../../src/snap/locate.js';
import { loadRules } from '../../src/suggest/load.js';
import { ensureBuilt } from '../support/build.js';
import { LAUNCHER, makeTestSnap, testUser, type TestSnap } from './support/snaps.js';

const NAME = 'sd-mkdirs';
const YAML = `name: ${NAME}\nversion: '1'\nconfinement: strict\napps:\n  app:\n    command: bin/snap-app\n`;
const user = testUser();
let snap: TestSnap;
let prepared: PreparedRun;
let work: string;

/** Runs the prepared app (exit 0) with the spec's lines and `extra` lines; status and stderr. */
function launchWith(extra: readonly string[]): { readonly status: number | null; readonly stderr: string } {
  const base = readFileSync(prepared.specPath, 'utf8');
  const spec = join(prepared.dir, `spec-${Math.random().toString(36).slice(2)}`);
  writeFileSync(spec, `${base}${extra.map((line) => `${line}\n`).join('')}`);
  const [, , tag, command] = prepared.launcherArgs;
  const result = spawnSync(LAUNCHER, ['--spec', spec, tag!, command!, 'exit', '0'], { encoding: 'utf8' });
  rmSync(spec, { force: true });
  return { status: result.status, stderr: result.stderr };
}

/** The cgroups and namespace files of this snap that a run left behind. */
function leftovers(): string[] {
  const cgroups = '/sys/fs/cgroup/unified/snappy-debug';
  const scopes = existsSync(cgroups) ? readdirSync(cgroups).filter((e) => e.startsWith(`snap.${NAME}.`)) : [];
  const ns = ['mnt', 'info'].map((ext) => `/run/snappy-debug/ns/${NAME}.${ext}`).filter((f) => existsSync(f));
  return [...scopes, ...ns];
}

const modeOf = (path: string): string => (statSync(path).mode & 0o7777).toString(8);

beforeAll(async () => {
  ensureBuilt();
  snap = makeTestSnap(YAML);
  prepared = prepareRun({
    snap: await locateSnap(NAME, snap.dir),
    appName: 'app',
    mode: 'strict',
    user: resolveUser(user.name),
    args: [],
    rules: loadRules(),
    connectedPlugs: [],
    inventory: readDeviceInventory(),
    apparmor: false,
  });
  // Outside /tmp (the app's /tmp is private) and open to the user for the user-dir cases.
  work = mkdtempSync('/var/tmp/snappy-debug-mkdirs.');
  chmodSync(work, 0o755);
});

afterAll(() => {
  prepared?.cleanup();
  snap?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
  rmSync(`/var/snap/${NAME}`, { recursive: true, force: true });
  rmSync(`${user.home}/snap/${NAME}`, { recursive: true, force: true });
});

describe('root-dir and user-dir', () => {
  it('creates what is missing with the mode and owner asked for, and leaves an existing path as it is', () => {
    const root = join(work, 'root/a/b');
    const owned = join(work, 'owned');
    mkdirSync(owned, { mode: 0o755 });
    execChown(owned, user.uid, user.gid);
    const mine = join(owned, 'c/d');
    const first = launchWith([`root-dir 0750 ${root}`, `user-dir 0700 ${mine}`]);
    expect(first.status, first.stderr).toBe(0);
    for (const dir of [join(work, 'root'), join(work, 'root/a'), root]) {
      expect(modeOf(dir)).toBe('750');
      expect(statSync(dir).uid).toBe(0);
    }
    for (const dir of [join(owned, 'c'), mine]) {
      expect(modeOf(dir)).toBe('700');
      expect(statSync(dir).uid).toBe(user.uid);
    }
    // Now all there: another mode asked for changes nothing (the walk would not either).
    chmodSync(root, 0o711);
    const second = launchWith([`root-dir 0755 ${root}`, `user-dir 0755 ${mine}`]);
    expect(second.status, second.stderr).toBe(0);
    expect(modeOf(root)).toBe('711');
    expect(modeOf(mine)).toBe('700');
  });

  it('refuses a symlink on the way, wherever it is, with the walk message, and makes nothing through it', () => {
    const target = join(work, 'target');
    mkdirSync(join(target, 'sub'), { recursive: true });
    symlinkSync(target, join(work, 'link'));
    const cases = [
      { path: join(work, 'link/sub'), component: 'link' }, // all there, through the link
      { path: join(work, 'link/new'), component: 'link' }, // missing below the link
      { path: join(work, 'link'), component: 'link' }, // the last component is the link
    ];
    for (const { path, component } of cases) {
      for (const kind of ['root-dir', 'user-dir']) {
        const result = launchWith([`${kind} 0755 ${path}`]);
        expect(result.status).toBe(1);
        expect(result.stderr).toContain(
          `snappy-debug-confine: cannot open directory "${path}" (component "${component}"): Not a directory\n`,
        );
        expect(leftovers()).toEqual([]);
      }
    }
    expect(existsSync(join(target, 'new'))).toBe(false);
  });

  it('refuses a file on the way', () => {
    writeFileSync(join(work, 'file'), '');
    const path = join(work, 'file/x');
    const result = launchWith([`root-dir 0755 ${path}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `snappy-debug-confine: cannot open directory "${path}" (component "file"): Not a directory\n`,
    );
  });
});

function execChown(path: string, uid: number, gid: number): void {
  spawnSync('chown', [`${uid}:${gid}`, path]);
}
