import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from './support/cli.js';
import {
  FAULTS_SNAP,
  installFaultsHelper,
  jsonDenials,
  processRunning,
  readPrintkRatelimitValue,
  setPrintkRatelimit,
  stampOf,
  until,
} from './support/faults.js';
import { triggerSeccompDenial } from './support/seccomp.js';
import { ensureBuilt } from '../support/build.js';

// /dev/kmsg overrun: scanlog --source kmsg is stopped (SIGSTOP) while a real seccomp flood
// overwrites the 128 KiB ring buffer many times, then continued. The records overwritten are a
// gap with a count; every record of the flood the ring still holds (read afterwards with
// dmesg) must have been shown, once, in order.

const FLOOD = 3000;
const RATE_LIMITED = 200;
const PRINTK_BURST = '/proc/sys/kernel/printk_ratelimit_burst';
let helper: ReturnType<typeof installFaultsHelper>;

beforeAll(() => {
  ensureBuilt();
  helper = installFaultsHelper();
  setPrintkRatelimit(0);
});
afterAll(() => helper?.cleanup());

function shownFor(stdout: string, pid: number): string[] {
  return jsonDenials(stdout)
    .filter((d) => d.pid === pid)
    .map((d) => stampOf(d.raw) ?? `no stamp in ${d.raw}`);
}

/** The stamps of `pid`'s seccomp records the ring buffer holds now, oldest first (dmesg's view). */
function ringStamps(pid: number): string[] {
  const text = execFileSync('dmesg', ['--raw'], { encoding: 'latin1', maxBuffer: 1 << 26 });
  return text
    .split('\n')
    .filter((line) => line.includes('type=1326') && line.includes(` pid=${pid} `))
    .map((line) => stampOf(line) ?? `no stamp in ${line}`);
}

const serial = (stamp: string): number => Number(stamp.slice(stamp.indexOf(':') + 1));

/**
 * A denial of the helper that scanlog shows: the pid. On a machine other runs flood, a record can
 * be overwritten before it is read, or dropped when one of them turns the printk limit back on:
 * tried up to 5 times.
 */
async function shownDenial(cli: RunningCli): Promise<number> {
  const tried: number[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    setPrintkRatelimit(0);
    tried.push((await triggerSeccompDenial({ executable: helper.executable })).pid);
    const shown = await until(
      () => tried.some((pid) => shownFor(cli.stdout(), pid).length === 1),
      () => `pid ${tried.join(' or ')} shown`,
      5000,
    ).then(
      () => tried.find((pid) => shownFor(cli.stdout(), pid).length === 1),
      () => undefined,
    );
    if (shown !== undefined) return shown;
  }
  throw new Error(`none of the denials of pids ${tried.join(', ')} was shown; stderr: ${cli.stderr()}`);
}

describe('kmsg ring buffer overrun while scanlog is stalled', () => {
  it(`${FLOOD} denials while stopped: the gap is counted, everything still in the ring is shown`, async () => {
    const cli = startCli(['scanlog', '--source', 'kmsg', '--json', '--keep-ratelimit', FAULTS_SNAP]);
    try {
      await cli.waitForStderr('INFO: ');
      const warm = await shownDenial(cli);

      process.kill(cli.child.pid!, 'SIGSTOP');
      setPrintkRatelimit(0);
      const flood = await triggerSeccompDenial({ executable: helper.executable, count: FLOOD });
      process.kill(cli.child.pid!, 'SIGCONT');

      // Once a later denial is shown, scanlog has read past every record of the flood.
      await shownDenial(cli);
      const ring = ringStamps(flood.pid);
      expect(await cli.stop('SIGTERM')).toBe(0);

      const shown = shownFor(cli.stdout(), flood.pid);
      const lost = [
        ...cli.stderr().matchAll(/^WARN: kmsg: (\d+) messages lost \(the kernel overwrote/gm),
      ].map((m) => Number(m[1]));
      const lostTotal = lost.reduce((a, b) => a + b, 0);
      console.log(
        `kmsg overrun: ${FLOOD} emitted while stalled, ${shown.length} shown, ${ring.length} still in the ring` +
          ` afterwards, gaps reported: ${lost.join('+')} (total ${lostTotal})`,
      );
      expect(new Set(shown).size).toBe(shown.length);
      expect(shown.map(serial)).toEqual([...shown.map(serial)].sort((a, b) => a - b));
      for (const stamp of ring) expect(shown).toContain(stamp);
      expect(shown.length).toBeLessThan(FLOOD);
      expect(lost.length).toBeGreaterThan(0);
      // The count covers every kernel record overwritten, the flood's and any other's.
      expect(shown.length + lostTotal).toBeGreaterThanOrEqual(FLOOD);
      expect(shownFor(cli.stdout(), warm)).toHaveLength(1);
      expect(cli.stderr()).toMatch(
        /^scanlog: \d+ lines, \d+ denials \(\d+ shown\), 0 unparsed, \d+ gaps \(\d+ messages lost\)$/m,
      );
    } finally {
      if (processRunning(cli.child.pid ?? 0)) {
        process.kill(cli.child.pid!, 'SIGCONT');
        await cli.stop('SIGKILL');
      }
    }
  });

  it('the kernel printk rate limit kept (--keep-ratelimit at 5 s, burst 10): its suppressed count is a gap', async () => {
    const burstBefore = readFileSync(PRINTK_BURST, 'utf8').trim();
    const cli = startCli(['scanlog', '--source', 'kmsg', '--json', '--keep-ratelimit', FAULTS_SNAP]);
    try {
      setPrintkRatelimit(5);
      writeFileSync(PRINTK_BURST, '10\n');
      await cli.waitForStderr('INFO: ');
      const flood = await triggerSeccompDenial({ executable: helper.executable, count: RATE_LIMITED });
      // The kernel counts what it suppressed once the 5 s interval is over, at its next record.
      const notice =
        /^WARN: kmsg: (\d+) messages lost \(the kernel's printk rate limit suppressed audit records/m;
      const deadline = Date.now() + 30_000;
      while (!notice.test(cli.stderr()) && Date.now() < deadline) {
        await triggerSeccompDenial({ executable: helper.executable });
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(readPrintkRatelimitValue()).toBe(5);
      expect(cli.stderr()).toMatch(notice);
      expect(await cli.stop('SIGTERM')).toBe(0);
      const shown = shownFor(cli.stdout(), flood.pid).length;
      const lost = Number(notice.exec(cli.stderr())![1]);
      console.log(`printk rate limit: ${RATE_LIMITED} emitted, ${shown} shown, ${lost} reported suppressed`);
      expect(shown).toBeLessThan(RATE_LIMITED);
      expect(shown + lost).toBeGreaterThanOrEqual(RATE_LIMITED);
    } finally {
      setPrintkRatelimit(0);
      writeFileSync(PRINTK_BURST, `${burstBefore}\n`);
      if (processRunning(cli.child.pid ?? 0)) await cli.stop('SIGKILL');
    }
  });
});
