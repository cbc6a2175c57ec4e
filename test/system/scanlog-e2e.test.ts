import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuditd } from './support/auditd.js';
import { hidePrintkHolders } from './support/faults.js';
import { runCli, startCli, type RunningCli } from './support/cli.js';
import { installHelperUnderSnap, triggerSeccompDenial, type Triggered } from './support/seccomp.js';
import { ensureBuilt } from '../support/build.js';

// The whole product path on the real kernel: a helper under a real seccomp filter is denied,
// the kernel logs it, a real daemon (or the ring buffer) carries it, and the built CLI prints it.

const SNAP = 'snappy-debug-test';
let helper: ReturnType<typeof installHelperUnderSnap>;

beforeAll(() => {
  ensureBuilt();
  helper = installHelperUnderSnap();
});
afterAll(() => helper?.cleanup());

interface JsonDenial {
  kind: string;
  source: string;
  snap: string | null;
  pid: number;
  exe: string;
  action: string;
  decision: string;
  syscall: { number: number; name: string | null; arch: string | null; audit_arch: string; compat: number };
}

function jsonDenials(stdout: string): JsonDenial[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JsonDenial);
}

async function deniedWhileFollowing(cli: RunningCli, arch: 'x86_64' | 'i386' = 'x86_64'): Promise<Triggered> {
  await cli.waitForStderr('INFO: ');
  const triggered = await triggerSeccompDenial({ executable: helper.executable, arch });
  expect(triggered.errno).toBe(1);
  await cli.waitForStdout((out) => out.includes(`"pid":${triggered.pid},`));
  return triggered;
}

describe.each(['journald', 'syslog', 'kmsg'] as const)('scanlog --source %s', (source) => {
  it('prints a real seccomp denial with syscall number, name, arch, pid and exe', async () => {
    const cli = startCli(['scanlog', '--source', source, '--json', '--keep-ratelimit', SNAP]);
    try {
      const triggered = await deniedWhileFollowing(cli);
      const mine = jsonDenials(cli.stdout()).filter((d) => d.pid === triggered.pid);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        kind: 'seccomp',
        source,
        snap: SNAP,
        pid: triggered.pid,
        exe: helper.executable,
        action: 'errno',
        decision: 'DENIED',
        syscall: { number: 110, name: 'getppid', arch: 'x86_64', audit_arch: 'c000003e', compat: 0 },
      });
    } finally {
      expect(await cli.stop()).toBe(0);
    }
    expect(cli.stderr()).toMatch(/^scanlog: \d+ lines, \d+ denials \(1 shown\), 0 unparsed$/m);
  });
});

describe('scanlog through journald', () => {
  it('names an i386 compat syscall (int $0x80) on the x86 table', async () => {
    const cli = startCli(['scanlog', '--source', 'journald', '--json', '--keep-ratelimit', SNAP]);
    try {
      const triggered = await deniedWhileFollowing(cli, 'i386');
      const [denial] = jsonDenials(cli.stdout()).filter((d) => d.pid === triggered.pid);
      expect(denial?.syscall).toEqual({
        number: 64,
        name: 'getppid',
        arch: 'x86',
        audit_arch: '40000003',
        compat: 1,
      });
    } finally {
      await cli.stop();
    }
  });

  it('prints snappy-debug blocks when fed `journalctl -f` on standard input', async () => {
    const journal = spawn('journalctl', ['--follow', '--lines=0', '--output=short'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const cli = startCli(['--keep-ratelimit', SNAP]);
    journal.stdout.pipe(cli.child.stdin);
    try {
      await cli.waitForStderr('INFO: reading standard input');
      // journalctl says nothing when it is positioned; give it a moment to open the journal.
      await new Promise((r) => setTimeout(r, 500));
      const triggered = await triggerSeccompDenial({ executable: helper.executable });
      await cli.waitForStdout((out) => out.includes(`pid=${triggered.pid} `));
      const block = cli
        .stdout()
        .split('\n\n')
        .find((b) => b.includes(`pid=${triggered.pid} `))!;
      const lines = block.trim().split('\n');
      expect(lines[0]).toBe('= Seccomp =');
      expect(lines[1]).toMatch(/^Time: [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d$/);
      expect(lines[2]).toMatch(/^Log: .* arch=c000003e 110\(getppid\) compat=0 /);
      expect(lines[3]).toBe('Syscall: getppid');
    } finally {
      journal.kill();
      await cli.exited;
    }
  });
});

describe('scanlog --source audit', () => {
  it('reads the denial from auditd audit.log', async () => {
    const auditd = await startAuditd();
    const cli = startCli(['scanlog', '--source', 'audit', '--json', '--keep-ratelimit', SNAP]);
    try {
      const triggered = await deniedWhileFollowing(cli);
      const [denial] = jsonDenials(cli.stdout()).filter((d) => d.pid === triggered.pid);
      expect(denial).toMatchObject({
        source: 'audit',
        snap: SNAP,
        syscall: { number: 110, name: 'getppid' },
      });
    } finally {
      await cli.stop();
      await auditd.stop();
    }
  });
});

describe('scanlog and the printk rate limit', () => {
  function ratelimit(): number {
    return Number(readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8'));
  }

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'sets 0 while following and restores the old value on %s',
    async (signal) => {
      writeFileSync('/proc/sys/kernel/printk_ratelimit', '7\n');
      rmSync('/run/snappy-debug/printk_ratelimit', { force: true });
      const showHolders = hidePrintkHolders();
      const cli = startCli(['scanlog', '--source', 'kmsg']);
      try {
        await cli.waitForStderr('INFO: ');
        expect(cli.stderr()).toContain('kernel.printk_ratelimit = 0\n');
        expect(ratelimit()).toBe(0);
        await cli.stop(signal);
        expect(ratelimit()).toBe(7);
      } finally {
        showHolders();
        writeFileSync('/proc/sys/kernel/printk_ratelimit', '0\n');
      }
    },
  );
});

describe('scanlog --file and bad input', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scanlog-'));
    chmodSync(dir, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays a saved kern.log (plain and .gz) and counts what it cannot parse', async () => {
    // Only what is written from here on: kern.log keeps earlier runs (their pids may be reused),
    // and may be larger than a string can hold.
    const since = statSync('/var/log/kern.log').size;
    const triggered = await triggerSeccompDenial({ executable: helper.executable });
    await new Promise((r) => setTimeout(r, 300));
    const saved = join(dir, 'kern.log');
    const kern = readFileSync('/var/log/kern.log')
      .subarray(since)
      .toString('latin1')
      .split('\n')
      .filter((l) => l.includes(`pid=${triggered.pid} `) && l.includes('type=1326'))
      .slice(-1);
    expect(kern).toHaveLength(1);
    writeFileSync(
      saved,
      `garbage\n${kern[0]}\naudit: type=1326 audit(1.0:1): arch=zz syscall=\n\u0000\u00ff\n`,
      'latin1',
    );
    execFileSync('gzip', ['-k', saved]);
    for (const file of [saved, `${saved}.gz`]) {
      const { status, stdout, stderr } = runCli(['scanlog', '--file', file, '--json', SNAP]);
      expect(status).toBe(0);
      expect(jsonDenials(stdout).map((d) => d.pid)).toEqual([triggered.pid]);
      expect(stderr).toContain('scanlog: 4 lines, 1 denials (1 shown), 1 unparsed');
    }
  });

  it('warns and carries on without root', () => {
    const file = join(dir, 'plain.log');
    writeFileSync(file, 'nothing to see\n', { mode: 0o644 });
    const { status, stderr } = runCli(['scanlog', '--file', file], '', { uid: 65534 });
    expect(status).toBe(0);
    expect(stderr).toMatch(/^WARN: not root: kernel\.printk_ratelimit stays as it is.*$/m);
  });

  it.each([
    [
      ['scanlog', '--source', 'carrier-pigeon'],
      "snappy-debug: scanlog: unknown source 'carrier-pigeon' (choose from auto, journald, syslog, kmsg, audit, stdin)\n",
      2,
    ],
    [['scanlog', 'Not_A_Snap!'], "snappy-debug: scanlog: 'Not_A_Snap!' is not a valid snap name\n", 2],
    [
      ['scanlog', '--bogus'],
      "snappy-debug: scanlog: Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"\n",
      2,
    ],
  ])('rejects %j with one line', (args, message, status) => {
    const result = runCli(args);
    expect(result.stderr).toBe(message);
    expect(result.status).toBe(status);
  });

  it('names a missing --file', () => {
    const result = runCli(['scanlog', '--file', join(dir, 'missing.log')]);
    expect(result.stderr).toMatch(/^snappy-debug: cannot read .*missing\.log: no such file\S*\n$/i);
    expect(result.status).not.toBe(0);
  });
});
