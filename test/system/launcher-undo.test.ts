/**
 * The supervisor loads and attaches the device program while its child sets up the namespace. When
 * that fails (here: bpf(2) refused to the launcher itself by a seccomp filter that seccomp-exec
 * puts on it), the supervisor dies with its one-line reason, the app never runs, and what the
 * run had made is undone as on a normal exit: no cgroup, no namespace file, no /snap/NAME, no
 * mount, no loop device.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRun, type PreparedRun } from '../../src/launch/prepare.js';
import { readDeviceInventory } from '../../src/launch/device-inventory.js';
import { resolveUser } from '../../src/launch/user.js';
import { locateSnap } from '../../src/snap/locate.js';
import { loadRules } from '../../src/suggest/load.js';
import { ensureBuilt, ROOT } from '../support/build.js';
import { LAUNCHER, makeTestSnap, testUser, type TestSnap } from './support/snaps.js';

const NAME = 'sd-undo';
const YAML = `name: ${NAME}\nversion: '1'\nconfinement: strict\napps:\n  app:\n    command: bin/snap-app\n`;
const SECCOMP_EXEC = resolve(ROOT, 'native/build/helpers/seccomp-exec');
const SYS_BPF = 321;
const user = testUser();
let snap: TestSnap;
let prepared: PreparedRun;
let work: string;
let noBpf: string;

/** Raw classic BPF: ERRNO(EPERM) for bpf(2), everything else allowed. */
function filterRefusingBpf(): Buffer {
  const insn = (code: number, jt: number, jf: number, k: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeUInt16LE(code, 0);
    b.writeUInt8(jt, 2);
    b.writeUInt8(jf, 3);
    b.writeUInt32LE(k >>> 0, 4);
    return b;
  };
  return Buffer.concat([
    insn(0x20, 0, 0, 0), // ld [nr]
    insn(0x15, 0, 1, SYS_BPF), // jeq bpf
    insn(0x06, 0, 0, 0x00050000 | 1), // ret ERRNO(EPERM)
    insn(0x06, 0, 0, 0x7fff0000), // ret ALLOW
  ]);
}

/** What a run of this snap may leave: cgroups, namespace files, /snap/NAME, mounts, loop devices. */
function leftovers(): string[] {
  const cgroups = '/sys/fs/cgroup/unified/snappy-debug';
  const scopes = existsSync(cgroups) ? readdirSync(cgroups).filter((e) => e.startsWith(`snap.${NAME}.`)) : [];
  const ns = ['mnt', 'info'].map((ext) => `/run/snappy-debug/ns/${NAME}.${ext}`).filter((f) => existsSync(f));
  const snapDir = existsSync(`/snap/${NAME}`) ? [`/snap/${NAME}`] : [];
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(NAME));
  const loops = execFileSync('losetup', ['-a'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(snap.file!));
  return [...scopes, ...ns, ...snapDir, ...mounts, ...loops];
}

/**
 * leftovers() once it is empty, or as it is after 10 s: the kernel lets go of a loop device a
 * moment after the last process of its mount namespace (asynchronously).
 */
async function settledLeftovers(): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = leftovers();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  ensureBuilt();
  snap = makeTestSnap(YAML, { squash: true });
  prepared = prepareRun({
    snap: await locateSnap(NAME, snap.file!),
    appName: 'app',
    mode: 'strict',
    user: resolveUser(user.name),
    args: [],
    rules: loadRules(),
    connectedPlugs: [],
    inventory: readDeviceInventory(),
    apparmor: false,
  });
  work = mkdtempSync('/var/tmp/snappy-debug-undo.');
  noBpf = join(work, 'no-bpf.bin');
  writeFileSync(noBpf, filterRefusingBpf());
});

afterAll(() => {
  prepared?.cleanup();
  snap?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
  rmSync(`/var/snap/${NAME}`, { recursive: true, force: true });
  rmSync(`${user.home}/snap/${NAME}`, { recursive: true, force: true });
});

describe('a supervisor that fails while its child sets up', () => {
  it('says why, never runs the app, and leaves nothing behind', async () => {
    expect(leftovers()).toEqual([]);
    const [, , tag, command] = prepared.launcherArgs;
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = spawnSync(
        SECCOMP_EXEC,
        [noBpf, LAUNCHER, '--spec', prepared.specPath, tag!, command!, 'write', '/tmp'],
        { encoding: 'utf8' },
      );
      expect(result.status, result.stderr).toBe(1);
      expect(result.stdout).toBe(''); // the app never ran
      expect(result.stderr).toContain(
        'snappy-debug-confine: cannot create BPF map for the device cgroup: Operation not permitted\n',
      );
      expect(await settledLeftovers()).toEqual([]);
    }
    // The same spec without the filter runs: what was refused was only the launcher's bpf(2).
    const ok = spawnSync(LAUNCHER, ['--spec', prepared.specPath, tag!, command!, 'write', '/tmp'], {
      encoding: 'utf8',
    });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('write /tmp ok\n');
    expect(await settledLeftovers()).toEqual([]);
  });
});
