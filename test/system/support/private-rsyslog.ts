import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processRunning, until } from './faults.js';

/**
 * A real rsyslogd of our own, writing everything sent to its socket to one file: the shared one
 * (scripts/daemons.sh) writes /var/log/syslog, which other test files read, so it is not rotated
 * twenty times or stopped for minutes here. No rate limit unless asked: each line sent is written.
 */
export class PrivateRsyslog {
  readonly socket: string;
  readonly log: string;
  private readonly config: string;
  private child: ChildProcess | undefined;

  /** `rateLimit`: imuxsock's limit (burst messages per interval seconds); none when omitted. */
  constructor(
    readonly dir: string,
    rateLimit?: { readonly interval: number; readonly burst: number },
  ) {
    this.socket = join(dir, 'log.sock');
    this.log = join(dir, 'test.log');
    this.config = join(dir, 'rsyslog.conf');
    mkdirSync(join(dir, 'spool'), { recursive: true });
    writeFileSync(
      this.config,
      [
        // Its own notices (rate limiting, start, stop) into its own file, not to the shared journal.
        `global(workDirectory="${join(dir, 'spool')}" processInternalMessages="on")`,
        'module(load="imuxsock" SysSock.Use="off")',
        `input(type="imuxsock" Socket="${this.socket}" ` +
          (rateLimit
            ? `RateLimit.Interval="${rateLimit.interval}" RateLimit.Burst="${rateLimit.burst}")`
            : 'RateLimit.Interval="0")'),
        `*.* action(type="omfile" file="${this.log}" template="RSYSLOG_TraditionalFileFormat")`,
        '',
      ].join('\n'),
    );
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts rsyslogd in the foreground (-n) and waits for its socket. */
  async start(): Promise<void> {
    rmSync(this.socket, { force: true });
    const child = spawn('rsyslogd', ['-n', '-f', this.config, '-i', join(this.dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    this.child = child;
    await until(
      () => existsSync(this.socket) || child.exitCode !== null,
      () => `rsyslogd to create ${this.socket}`,
    );
    if (child.exitCode !== null) throw new Error(`cannot start rsyslogd: ${stderr.trim()}`);
  }

  /** rsyslog-rotate's way: reopen the output files. */
  hangUp(): void {
    this.child?.kill('SIGHUP');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid || !processRunning(child.pid)) return;
    child.kill('SIGTERM');
    await until(
      () => child.exitCode !== null || child.signalCode !== null,
      () => 'rsyslogd to stop',
    );
    this.child = undefined;
  }
}
