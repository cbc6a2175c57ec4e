import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const PIDFILE = '/var/run/auditd.pid';
const AUDIT_DIR = '/var/log/audit';

function running(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'auditd';
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Starts the real auditd for one test. While it runs the kernel stops printing audit records,
 * so stop() must always run: it stops auditd and removes the logs it created.
 */
export async function startAuditd(): Promise<{
  readonly pid: number;
  rotate(): void;
  stop(): Promise<void>;
}> {
  if (existsSync(PIDFILE) && running(Number(readFileSync(PIDFILE, 'utf8')))) {
    throw new Error('auditd is already running; these tests need it stopped');
  }
  const before = new Set(readdirSync(AUDIT_DIR));
  execFileSync('auditd');
  await until(() => existsSync(PIDFILE) && running(Number(readFileSync(PIDFILE, 'utf8'))), 'auditd to start');
  const pid = Number(readFileSync(PIDFILE, 'utf8'));
  await until(
    () => /^pid (\d+)$/m.exec(execFileSync('auditctl', ['-s'], { encoding: 'utf8' }))?.[1] === String(pid),
    'auditd to register',
  );
  return {
    pid,
    rotate: () => process.kill(pid, 'SIGUSR1'),
    async stop() {
      process.kill(pid, 'SIGTERM');
      await until(() => !running(pid), 'auditd to stop');
      for (const name of readdirSync(AUDIT_DIR)) {
        if (!before.has(name)) rmSync(`${AUDIT_DIR}/${name}`, { force: true });
      }
    },
  };
}
