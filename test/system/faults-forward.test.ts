import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from './support/cli.js';
import { pause, processRunning, startDaemons } from './support/faults.js';
import { ensureBuilt } from '../support/build.js';

// A burst of syslog(3) messages (how the launcher reports device-cgroup denials) through the
// shared journald, which forwards them to rsyslogd's socket (queue of 10 datagrams here) and
// drops what does not fit, counting the drops only in the journal. scanlog --source syslog must
// show each line /var/log/syslog got once, and report journald's counts as gaps: shown + lost
// covers everything sent.

const SNAP = 'faults-fwd';
const BURST = 3000;
const FIRST_PID = 400_000;

beforeAll(() => {
  ensureBuilt();
  startDaemons();
});
afterAll(() => startDaemons());

function denialMessage(n: number): string {
  return (
    `audit: type=1326 audit(1763809200.${String(n % 1000).padStart(3, '0')}:${n}): auid=1000 uid=1000 gid=1000` +
    ` ses=2 subj=snap.${SNAP}.app (enforce) pid=${FIRST_PID + n} comm="app" exe="/snap/${SNAP}/1/bin/app" sig=0` +
    ` arch=c000003e syscall=165 compat=0 ip=0x7f0000001000 code=0x50000`
  );
}

async function logger(lines: readonly string[]): Promise<void> {
  const child = spawn('logger', ['-t', SNAP], { stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = once(child, 'exit');
  child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`logger exited with ${code}`);
}

const shownPids = (stdout: string): number[] =>
  [...stdout.matchAll(/,"pid":(\d+),/g)].map((m) => Number(m[1]));
const reportedLost = (stderr: string): number[] =>
  [...stderr.matchAll(/^WARN: syslog: (\d+) messages lost \(journald could not forward them/gm)].map((m) =>
    Number(m[1]),
  );
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe('syslog(3) burst through journald into /var/log/syslog', () => {
  it(`${BURST} messages: each line syslog got shown once; journald's forwarding misses reported`, async () => {
    const cli = startCli(['scanlog', '--source', 'syslog', '--json', '--keep-ratelimit', SNAP]);
    try {
      await cli.waitForStderr('INFO: ');
      // The journal watcher starts with the file follower: give journalctl a moment to be at the end.
      await pause(1000);
      await logger(Array.from({ length: BURST }, (_, n) => denialMessage(n)));
      // journald reports its first miss at once and the rest up to 30 s later, when it next
      // forwards something: keep it forwarding until everything is accounted for.
      const accounted = (): number => shownPids(cli.stdout()).length + sum(reportedLost(cli.stderr()));
      for (const deadline = Date.now() + 60_000; accounted() < BURST && Date.now() < deadline;) {
        await pause(2000);
        await logger(['tick']);
      }
      expect(await cli.stop('SIGTERM')).toBe(0);
    } finally {
      if (processRunning(cli.child.pid ?? 0)) await cli.stop('SIGKILL');
    }
    const shown = shownPids(cli.stdout());
    const lost = reportedLost(cli.stderr());
    console.log(
      `syslog(3) burst: ${BURST} sent, ${shown.length} shown, journald reported ${lost.join('+')} missed`,
    );
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.every((pid) => pid >= FIRST_PID && pid < FIRST_PID + BURST)).toBe(true);
    expect(shown.length + sum(lost)).toBeGreaterThanOrEqual(BURST);
  }, 120_000);
});
