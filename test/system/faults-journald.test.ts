import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from './support/cli.js';
import {
  daemonPid,
  FAULTS_SNAP,
  installFaultsHelper,
  jsonDenials,
  journaldStamps,
  journalTime,
  killDaemon,
  pause,
  processRunning,
  setPrintkRatelimit,
  stampOf,
  startDaemons,
  until,
} from './support/faults.js';
import { triggerSeccompDenial } from './support/seccomp.js';
import { ensureBuilt } from '../support/build.js';

// journald killed (SIGKILL) and restarted while `scanlog --source journald` follows. Real seccomp
// denials before, during and after each outage; afterwards journald itself (journalctl) is asked
// what it kept. Every record it kept must have been shown exactly once, and when it kept fewer
// than were emitted, the loss must have been reported on stderr.

const KILLS = 4;
const PER_CALL = 3;
// More records than the 128 KiB ring buffer holds, emitted while journald is down: it must miss some.
const FLOOD = 2000;

let helper: ReturnType<typeof installFaultsHelper>;

beforeAll(() => {
  ensureBuilt();
  helper = installFaultsHelper();
  startDaemons();
  setPrintkRatelimit(0);
});
afterAll(() => {
  helper?.cleanup();
  startDaemons();
});

function shownStamps(stdout: string, pids: ReadonlySet<number>): Map<number, string[]> {
  const shown = new Map<number, string[]>();
  for (const denial of jsonDenials(stdout)) {
    if (denial.pid === null || !pids.has(denial.pid)) continue;
    const stamp = stampOf(denial.raw);
    if (stamp === undefined) throw new Error(`no audit stamp in ${denial.raw}`);
    shown.set(denial.pid, [...(shown.get(denial.pid) ?? []), stamp]);
  }
  return shown;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

function reportedLost(stderr: string): number[] {
  return [...stderr.matchAll(/^WARN: journald: (\d+) messages lost/gm)].map((m) => Number(m[1]));
}

describe('journald killed and restarted while scanlog follows it', () => {
  it(`${KILLS + 1} SIGKILLs: every denial journald kept is shown once; what it lost is reported`, async () => {
    const since = journalTime(new Date(Date.now() - 2000));
    const cli = startCli(['scanlog', '--source', 'journald', '--json', '--keep-ratelimit', FAULTS_SNAP]);
    const emitted = new Map<number, number>();
    const trigger = async (count: number): Promise<number> => {
      // Other runs on this machine may put the limit back meanwhile; see the accounting below.
      setPrintkRatelimit(0);
      const { pid } = await triggerSeccompDenial({ count, executable: helper.executable });
      emitted.set(pid, count);
      return pid;
    };
    const pids = (): ReadonlySet<number> => new Set(emitted.keys());
    try {
      await cli.waitForStderr('INFO: ');
      const floodPids: number[] = [];
      for (let round = 0; round <= KILLS; round++) {
        const before = await trigger(PER_CALL);
        // Stored before the kill, unless another run's flood overwrote it first: then journald lost it.
        await until(
          () => (shownStamps(cli.stdout(), pids()).get(before) ?? []).length >= PER_CALL,
          () => `pid ${before}`,
          5000,
        ).catch(() => undefined);
        const killed = daemonPid('journald');
        await killDaemon('journald', 'SIGKILL');
        await trigger(PER_CALL);
        if (round === KILLS) floodPids.push(await trigger(FLOOD));
        await pause(200);
        startDaemons();
        expect(daemonPid('journald')).not.toBe(killed);
        await trigger(PER_CALL);
      }

      // Settle: journald has read what it will read; scanlog has shown all of it.
      let kept = new Map<number, Set<string>>();
      for (let stable = 0; stable < 3;) {
        await pause(500);
        const now = await journaldStamps([...emitted.keys()], since);
        const same = [...now].every(([pid, stamps]) => stamps.size === (kept.get(pid)?.size ?? -1));
        stable = same ? stable + 1 : 0;
        kept = now;
        await until(
          () => {
            const shown = shownStamps(cli.stdout(), pids());
            return [...kept].every(([pid, stamps]) => [...stamps].every((s) => shown.get(pid)?.includes(s)));
          },
          () => 'scanlog to show every record journald kept',
          30_000,
        );
      }
      // Every record journald lacks must be reported lost. When the printk rate limit was on (it
      // should not be), the kernel says how many it suppressed only at its first record after
      // the 5 s interval: keep making records (of a program scanlog does not show) until then.
      const missing = (): number =>
        [...emitted].reduce((n, [pid, count]) => n + count - (kept.get(pid)?.size ?? 0), 0);
      for (const deadline = Date.now() + 20_000; sum(reportedLost(cli.stderr())) < missing();) {
        if (Date.now() > deadline) break;
        await triggerSeccompDenial();
        await pause(1000);
      }
      expect(await cli.stop('SIGTERM')).toBe(0);

      const shown = shownStamps(cli.stdout(), pids());
      let emittedTotal = 0;
      let keptTotal = 0;
      for (const [pid, count] of emitted) {
        const keptStamps = [...(kept.get(pid) ?? [])].sort();
        const shownList = [...(shown.get(pid) ?? [])].sort();
        expect({ pid, shown: shownList }).toEqual({ pid, shown: keptStamps });
        emittedTotal += count;
        keptTotal += keptStamps.length;
      }
      const floodLost = floodPids.reduce((n, pid) => n + FLOOD - (kept.get(pid)?.size ?? 0), 0);
      const lost = reportedLost(cli.stderr());
      console.log(
        `journald faults: ${KILLS + 1} kills, ${emittedTotal} denials emitted, ${keptTotal} kept by journald,` +
          ` ${keptTotal} shown once each, flood lost ${floodLost}, reported lost ${lost.join('+') || 0}`,
      );
      expect(floodLost).toBeGreaterThan(0);
      expect(sum(lost)).toBeGreaterThanOrEqual(emittedTotal - keptTotal);
      expect(cli.stderr()).not.toMatch(/cannot|Error/);
    } finally {
      if (processRunning(cli.child.pid ?? 0)) await cli.stop('SIGKILL');
      startDaemons();
    }
  }, 120_000);
});
