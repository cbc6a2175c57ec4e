/**
 * The launcher passes on the kernel's seccomp records of its app, which kauditd prints a moment
 * after the call. It no longer waits a fixed 5 ms after the app's exit: it waits until kauditd is
 * asleep again (then every record the app made is in the kernel log). These runs make their
 * denials as the very last thing before exit, several launches at a time, so that the records are
 * often still queued when the app is gone; every run must still show exactly the records the
 * kernel printed for it (one per denied call). Each worker has a snap of its own: the launcher
 * also passes on records of any executable under its snap's directory.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRun, type PreparedRun } from '../../src/launch/prepare.js';
import { readDeviceInventory } from '../../src/launch/device-inventory.js';
import { resolveUser } from '../../src/launch/user.js';
import { locateSnap } from '../../src/snap/locate.js';
import { loadRules } from '../../src/suggest/load.js';
import { ensureBuilt } from '../support/build.js';
import { LAUNCHER, makeTestSnap, testUser, type TestSnap } from './support/snaps.js';

const NAMES = ['a', 'b', 'c'].map((worker) => `sd-late-${worker}`);
const yaml = (name: string): string =>
  `name: ${name}\nversion: '1'\nconfinement: strict\napps:\n  app:\n    command: bin/snap-app\n`;
const DENIALS = 3;
const RUNS_PER_WORKER = 8;
const user = testUser();
const snaps: TestSnap[] = [];
const prepared: PreparedRun[] = [];

interface Launch {
  readonly name?: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function launch(args: readonly string[]): Promise<Launch> {
  return new Promise((resolve, reject) => {
    const child = spawn(LAUNCHER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(async () => {
  ensureBuilt();
  const rules = loadRules();
  const inventory = readDeviceInventory();
  for (const name of NAMES) {
    const snap = makeTestSnap(yaml(name));
    snaps.push(snap);
    prepared.push(
      prepareRun({
        snap: await locateSnap(name, snap.dir),
        appName: 'app',
        mode: 'strict',
        user: resolveUser(user.name),
        args: [],
        rules,
        connectedPlugs: [],
        inventory,
        apparmor: false,
      }),
    );
  }
});

afterAll(() => {
  for (const run of prepared) run.cleanup();
  for (const snap of snaps) snap.cleanup();
  for (const name of NAMES) {
    rmSync(`/var/snap/${name}`, { recursive: true, force: true });
    rmSync(`${user.home}/snap/${name}`, { recursive: true, force: true });
  }
});

describe('seccomp records made just before the exit', () => {
  it('every run shows each of its own records, however late kauditd prints them', async () => {
    const worker = async (run: PreparedRun, name: string): Promise<Launch[]> => {
      // --spec FILE TAG COMMAND: the probes replace the prepared arguments.
      const args = [...run.launcherArgs.slice(0, 4), ...Array<string>(DENIALS).fill('ioprio')];
      const results: Launch[] = [];
      for (let i = 0; i < RUNS_PER_WORKER; i++) results.push({ ...(await launch(args)), name });
      return results;
    };
    const results = (await Promise.all(prepared.map((run, i) => worker(run, NAMES[i]!)))).flat();
    for (const result of results) {
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe('ioprio errno=EPERM\n'.repeat(DENIALS));
      const records = result.stderr.split('\n').filter((line) => line.includes('type=1326'));
      const pids = new Set(records.map((line) => / pid=(\d+) /.exec(line)?.[1]));
      expect(records, result.stderr).toHaveLength(DENIALS);
      expect(pids.size, result.stderr).toBe(1);
      for (const record of records) {
        expect(record).toMatch(/^audit: type=1326 audit\(\d+\.\d+:\d+\): /);
        expect(record).toContain(` exe="/snap/${result.name}/x1/bin/snap-app" `);
        expect(record).toContain(' syscall=251 ');
      }
    }
    const allPids = new Set(results.map((r) => / pid=(\d+) /.exec(r.stderr)?.[1]));
    expect(allPids.size).toBe(NAMES.length * RUNS_PER_WORKER);
  });
});

/** The kauditd kernel thread's pid, found the long way: its name, and kthreadd (2) its parent. */
function kauditdPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (stat.includes(' (kauditd) ') && fields[1] === '2') return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

describe('the remembered kauditd pid', () => {
  const REMEMBERED = '/run/snappy-debug/kauditd.pid';

  it('is checked before it is trusted: a wrong one is replaced by the real one and the records still come', async () => {
    const real = kauditdPid();
    expect(real).toBeGreaterThan(2);
    const args = [...prepared[0]!.launcherArgs.slice(0, 4), 'ioprio'];
    // pid 1 (not a kernel thread), this test's own pid, one that is not running, and garbage
    for (const wrong of ['1', String(process.pid), '4194303', 'kauditd', '']) {
      writeFileSync(REMEMBERED, wrong);
      const result = await launch(args);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr.split('\n').filter((line) => line.includes('type=1326'))).toHaveLength(1);
      expect(readFileSync(REMEMBERED, 'utf8')).toBe(`${real}\n`);
    }
  });
});
