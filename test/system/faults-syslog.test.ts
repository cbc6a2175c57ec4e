import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from './support/cli.js';
import { pause, until } from './support/faults.js';
import { PrivateRsyslog } from './support/private-rsyslog.js';
import { followFile } from '../../src/sources/file-follower.js';
import { logFileSource } from '../../src/sources/log-file-source.js';
import { ensureBuilt } from '../support/build.js';

// A burst of denial lines through a real rsyslogd into the file scanlog follows, while the file
// is rotated twenty times, the way logrotate does it for rsyslog: rename then SIGHUP, or
// copytruncate. Then rsyslogd stopped and started again under the follower.

const SNAP = 'rot';
const BURST = 10_000;
const ROTATIONS = 20;
const FIRST_PID = 200_000;

const dir = mkdtempSync(join(tmpdir(), 'snappy-debug-faults-syslog-'));
beforeAll(() => ensureBuilt());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function denialMessage(n: number): string {
  return (
    `audit: type=1326 audit(1763809200.${String(n % 1000).padStart(3, '0')}:${n}): auid=1000 uid=1000 gid=1000` +
    ` ses=2 subj=snap.${SNAP}.app (enforce) pid=${FIRST_PID + n} comm="app" exe="/snap/${SNAP}/1/bin/app" sig=0` +
    ` arch=c000003e syscall=165 compat=0 ip=0x7f0000001000 code=0x50000`
  );
}

/** Sends denials `from`..`to`-1 through one logger(1) to rsyslogd's socket, in paced chunks. */
async function emit(rsyslog: PrivateRsyslog, from: number, to: number): Promise<void> {
  await emitPaced(rsyslog, from, to, 100, 50);
}

async function emitPaced(
  rsyslog: PrivateRsyslog,
  from: number,
  to: number,
  chunk: number,
  gapMs: number,
): Promise<void> {
  const { code, stderr } = await send(rsyslog, from, to, chunk, gapMs);
  if (code !== 0) throw new Error(`logger failed (${code}): ${stderr}`);
}

async function send(
  rsyslog: PrivateRsyslog,
  from: number,
  to: number,
  chunk = 100,
  gapMs = 50,
): Promise<{ code: number | null; stderr: string }> {
  const logger = spawn('logger', ['--socket', rsyslog.socket, '--socket-errors=on', '-t', 'kernel'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  logger.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  logger.stdin.on('error', () => undefined); // EPIPE once a refused logger has exited
  const exited = once(logger, 'exit');
  for (let n = from; n < to && logger.exitCode === null; n += chunk) {
    const lines: string[] = [];
    for (let i = n; i < Math.min(to, n + chunk); i++) lines.push(`${denialMessage(i)}\n`);
    if (!logger.stdin.write(lines.join('')))
      await Promise.race([once(logger.stdin, 'drain').catch(() => undefined), exited]);
    if (n + chunk < to) await pause(gapMs);
  }
  logger.stdin.end();
  const [code] = (await exited) as [number | null];
  return { code, stderr };
}

/** The pids of the denials shown (a regex, not JSON.parse: this is polled on 10,000 lines). */
function shownPids(stdout: string): number[] {
  return [...stdout.matchAll(/,"pid":(\d+),/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
}

async function waitForShown(cli: RunningCli, count: number): Promise<void> {
  await until(
    () => (cli.stdout().match(/\n/g)?.length ?? 0) >= count,
    () => `${count} denials shown; ${cli.stdout().match(/\n/g)?.length ?? 0} so far; stderr: ${cli.stderr()}`,
    30_000,
  ).catch(() => undefined);
}

/** The denials the files hold at the end: the followed file and every rotated copy. */
function heldPids(rsyslog: PrivateRsyslog, directory: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync(directory)) {
    if (!name.startsWith('test.log')) continue;
    for (const match of readFileSync(join(directory, name), 'latin1').matchAll(/ pid=(\d+) /g))
      pids.push(Number(match[1]));
  }
  return pids.sort((a, b) => a - b);
}

/** What `expected` has that `actual` lacks, and what `actual` holds more than once (short lists). */
function missingAndRepeated(actual: readonly number[], expected: readonly number[]) {
  const seen = new Set<number>();
  const repeated = actual.filter((pid) => seen.has(pid) || !seen.add(pid));
  const missing = expected.filter((pid) => !seen.has(pid));
  return { missing: missing.slice(0, 20), repeated: repeated.slice(0, 20) };
}

/** Rotated files (test.log-K) holding at least one line: each rotation happened mid-burst. */
function rotatedWithLines(directory: string): number {
  return readdirSync(directory).filter(
    (name) => /^test\.log-\d+$/.test(name) && readFileSync(join(directory, name), 'latin1').includes(' pid='),
  ).length;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => FIRST_PID + from + i);

describe('syslog file rotated during a burst through the real rsyslogd', () => {
  let rsyslog: PrivateRsyslog | undefined;
  let cli: RunningCli | undefined;
  afterEach(async () => {
    if (cli && cli.child.exitCode === null) await cli.stop('SIGKILL');
    await rsyslog?.stop();
  });

  async function follow(
    name: string,
    rateLimit?: { interval: number; burst: number },
  ): Promise<{ rsyslog: PrivateRsyslog; cli: RunningCli; dir: string }> {
    const directory = join(dir, name);
    rsyslog = new PrivateRsyslog(directory, rateLimit);
    await rsyslog.start();
    cli = startCli(['scanlog', '--file', rsyslog.log, '--follow', '--json', SNAP]);
    await cli.waitForStderr('INFO: ');
    return { rsyslog, cli, dir: directory };
  }

  async function rotateDuringBurst(rsyslog: PrivateRsyslog, rotate: (k: number) => void): Promise<void> {
    const burst = emit(rsyslog, 0, BURST);
    for (let k = 1; k <= ROTATIONS; k++) {
      await pause(220);
      rotate(k);
    }
    await burst;
  }

  it(`rename + SIGHUP ${ROTATIONS} times during ${BURST} lines: emitted == shown, each once`, async () => {
    const { rsyslog, cli, dir: directory } = await follow('rename');
    await rotateDuringBurst(rsyslog, (k) => {
      renameSync(rsyslog.log, `${rsyslog.log}-${k}`);
      rsyslog.hangUp();
    });
    await waitForShown(cli, BURST);
    await pause(500);
    expect(await cli.stop('SIGTERM')).toBe(0);
    const held = heldPids(rsyslog, directory);
    const shown = shownPids(cli.stdout());
    expect(rotatedWithLines(directory)).toBe(ROTATIONS);
    console.log(
      `rename rotation: ${ROTATIONS} rotations, ${BURST} emitted, ${held.length} in files, ${shown.length} shown`,
    );
    expect(missingAndRepeated(held, range(0, BURST))).toEqual({ missing: [], repeated: [] });
    expect(missingAndRepeated(shown, range(0, BURST))).toEqual({ missing: [], repeated: [] });
    expect(cli.stderr()).not.toMatch(/WARN|cannot/);
  });

  it(`copytruncate ${ROTATIONS} times during ${BURST} lines: all the files hold is shown, each once`, async () => {
    const { rsyslog, cli, dir: directory } = await follow('copytruncate');
    await rotateDuringBurst(rsyslog, (k) => {
      copyFileSync(rsyslog.log, `${rsyslog.log}-${k}`);
      truncateSync(rsyslog.log, 0);
    });
    const held = heldPids(rsyslog, directory);
    await waitForShown(cli, held.length);
    await pause(500);
    expect(await cli.stop('SIGTERM')).toBe(0);
    const shown = shownPids(cli.stdout());
    expect(rotatedWithLines(directory)).toBe(ROTATIONS);
    // Lines rsyslogd wrote between logrotate's copy and its truncation are in no file: the
    // system lost them (copytruncate's known race), nothing the follower could show.
    console.log(
      `copytruncate: ${ROTATIONS} rotations, ${BURST} emitted, ${held.length} in files (${BURST - held.length} lost` +
        ` between copy and truncate), ${shown.length} shown`,
    );
    expect(new Set(held).size).toBe(held.length);
    expect(missingAndRepeated(shown, held)).toEqual({ missing: [], repeated: [] });
    expect(cli.stderr()).not.toMatch(/cannot/);
  });

  it('rsyslogd stopped and started twice under the follower, the file moved away once meanwhile', async () => {
    const { rsyslog, cli } = await follow('restart');
    // The same file through the syslog source itself, for its notices (scanlog does not print
    // them yet: see onNotice in src/sources/types.ts).
    const notices: string[] = [];
    const abort = new AbortController();
    let positioned = (): void => {};
    const ready = new Promise<void>((resolve) => (positioned = resolve));
    const reading = (async () => {
      const lines = logFileSource(rsyslog.log, 'syslog', 'test').lines({
        signal: abort.signal,
        onReady: () => positioned(),
        onNotice: (message) => notices.push(message),
      });
      for await (const line of lines) void line;
    })();
    await ready;
    await emit(rsyslog, 0, 100);
    await waitForShown(cli, 100);

    await rsyslog.stop();
    // Nobody listens: logger is refused, the system never has these lines.
    const refused = await send(rsyslog, 1000, 1100);
    expect(refused.code).not.toBe(0);
    await rsyslog.start();
    await emit(rsyslog, 100, 200);
    await waitForShown(cli, 200);

    // logrotate while rsyslogd is down: the path stays empty until rsyslogd writes again.
    await rsyslog.stop();
    renameSync(rsyslog.log, `${rsyslog.log}-1`);
    const gone = `${rsyslog.log} is gone (rotated, or its writer stopped); waiting for it to come back`;
    await until(
      () => notices.includes(gone),
      () => `"${gone}"; notices: ${notices.join(' | ')}`,
    );
    await rsyslog.start();
    await emit(rsyslog, 200, 300);
    await waitForShown(cli, 300);
    const back = `${rsyslog.log} is back; reading it from its first line`;
    await until(
      () => notices.includes(back),
      () => `"${back}"; notices: ${notices.join(' | ')}`,
    );
    abort.abort();
    await reading;
    expect(cli.child.exitCode).toBeNull();
    expect(await cli.stop('SIGTERM')).toBe(0);
    const shown = shownPids(cli.stdout());
    console.log(
      `rsyslogd restarts: 2 stops, 300 lines written, 100 refused while stopped (${refused.stderr.trim()}), ` +
        `${shown.length} shown, notices: ${JSON.stringify(notices)}`,
    );
    expect(notices).toEqual([gone, back]);
    expect(missingAndRepeated(shown, range(0, 300))).toEqual({ missing: [], repeated: [] });
    expect(shown).toHaveLength(300);
    // Gone is not lost: nothing was written anywhere while the path was missing.
    expect(cli.stderr()).not.toMatch(/WARN/);
  });

  it("rsyslogd's rate limit drops part of a burst: its count is a gap, shown + lost == emitted", async () => {
    const { rsyslog, cli } = await follow('rate-limit', { interval: 2, burst: 50 });
    // One logger process (rsyslogd limits per pid): 300 at once, then one more after the 2 s
    // interval (whole seconds, strictly after: 4 s to be sure), at which rsyslogd writes how many
    // of the 300 it dropped.
    await emitPaced(rsyslog, 0, 301, 300, 4000);
    const notice = /^WARN: file: (\d+) messages lost \(rsyslog's rate limit dropped messages\)$/m;
    await until(
      () => notice.test(cli.stderr()),
      () =>
        `the rate limit notice on stderr; stderr: ${cli.stderr()}; rsyslogd wrote: ` +
        readFileSync(rsyslog.log, 'latin1')
          .split('\n')
          .filter((line) => line.includes('rsyslogd'))
          .join(' | '),
      20_000,
    );
    await waitForShown(cli, 51);
    await pause(500);
    expect(await cli.stop('SIGTERM')).toBe(0);
    const shown = shownPids(cli.stdout());
    const reported = [...cli.stderr().matchAll(new RegExp(notice.source, 'gm'))].map((m) => Number(m[1]));
    // What rsyslogd wrote: its count, once per notice line (it may write the same notice twice).
    const written = [
      ...readFileSync(rsyslog.log, 'latin1').matchAll(/(\d+) messages lost due to rate-limiting/g),
    ].map((m) => Number(m[1]));
    console.log(
      `rsyslog rate limit (50 per 2 s): 301 emitted, ${shown.length} shown, notices in the file: ${written.join('+')},` +
        ` reported: ${reported.join('+')}`,
    );
    expect(new Set(shown).size).toBe(shown.length);
    expect(reported).toEqual(written);
    expect(shown.length + written[0]!).toBe(301);
    expect(shown).toContain(FIRST_PID + 300);
  });

  it('two copytruncates while the reader is stalled, the second copy shorter than what was read: nothing lost', async () => {
    const directory = join(dir, 'stalled');
    mkdirSync(directory);
    const log = join(directory, 'test.log');
    const line = (n: number): string => `${denialMessage(n)}\n`;
    writeFileSync(log, Array.from({ length: 50 }, (_, n) => line(n)).join(''));
    const lines: string[] = [];
    const abort = new AbortController();
    // A reader that looks only every 2 s: a stalled scanlog on a busy machine.
    const reading = (async () => {
      for await (const text of followFile(log, {
        fromStart: true,
        follow: true,
        signal: abort.signal,
        pollMs: 2000,
      }))
        lines.push(text);
    })();
    await until(
      () => lines.length === 50,
      () => `50 lines read, ${lines.length} so far`,
    );
    await pause(100);
    appendFileSync(log, line(50));
    copyFileSync(log, `${log}-1`);
    truncateSync(log, 0);
    appendFileSync(log, line(51) + line(52));
    copyFileSync(log, `${log}-2`);
    truncateSync(log, 0);
    appendFileSync(log, line(53));
    await until(
      () => lines.length >= 54,
      () => `54 lines read, ${lines.length} so far`,
      10_000,
    ).catch(() => undefined);
    abort.abort();
    await reading;
    const pids = lines.map((text) => Number(/ pid=(\d+) /.exec(text)?.[1]));
    expect(missingAndRepeated(pids, range(0, 54))).toEqual({ missing: [], repeated: [] });
  });
});
