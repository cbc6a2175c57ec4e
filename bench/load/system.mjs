// What bench/load.mjs reads from the system: a process's memory and CPU time, the kernel's audit
// loss counter, and what the journal holds of the generator's records.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const JOURNALD_PIDFILE = '/run/snappy-debug/journald.pid';

export function rssMiB(pid) {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

/**
 * The file-backed part of a process's resident memory, in MiB: mapped files such as the journal
 * files the native journal reader maps (page cache journald shares), not memory of its own.
 */
export function rssFileMiB(pid) {
  const kib = /RssFile:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) / 1024;
}

/** CPU time (user + system) a live process has used, in ms. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** cpuMs(pid), or null once the process is gone (a journald or journalctl restarted meanwhile). */
export function cpuMsIfAlive(pid) {
  try {
    return cpuMs(pid);
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ESRCH') return null;
    throw error;
  }
}

/** CPU time (user + system) of the threads of `pid` named `comm`, in ms (0 when there are none). */
export function threadCpuMs(pid, comm) {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() !== comm) continue;
      total += cpuMs(`${pid}/task/${tid}`);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return total;
}

/** A child of `parent` running `command`, if any. */
export function childPid(parent, command) {
  const found = spawnSync('pgrep', ['-P', String(parent), '-x', command], { encoding: 'utf8' }).stdout.trim();
  return found ? Number(found.split('\n')[0]) : undefined;
}

/** The test daemons' journald (scripts/daemons.sh). */
export function journaldPid() {
  return existsSync(JOURNALD_PIDFILE) ? Number(readFileSync(JOURNALD_PIDFILE, 'utf8').trim()) : undefined;
}

/**
 * Audit records the kernel could not queue on `pid`'s audit netlink sockets (journald's multicast
 * listener), from /proc/net/netlink: journald gets no backpressure, a full socket drops.
 */
export function auditSocketDrops(pid) {
  const NETLINK_AUDIT = '9';
  return readFileSync('/proc/net/netlink', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === NETLINK_AUDIT && f[2] === String(pid))
    .reduce((sum, f) => sum + Number(f[8]), 0);
}

/** Records the kernel's audit subsystem dropped since boot (`auditctl -s`). */
export function auditLost() {
  const text = execFileSync('auditctl', ['-s'], { encoding: 'utf8' });
  return Number(/^lost (\d+)$/m.exec(text)?.[1] ?? NaN);
}

/**
 * How many of process `pid`'s seccomp records the journal holds since `since` (ms): per transport,
 * and both together (one record counted once, by its audit serial), which is what a reader of the
 * journal can get.
 */
export function journalCopies(pid, since) {
  const read = (args) =>
    execFileSync('journalctl', ['--no-pager', `--since=@${Math.floor(since / 1000)}`, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    }).split('\n');
  const audit = read(['-o', 'json', '--output-fields=_AUDIT_ID', `_PID=${pid}`, '_TRANSPORT=audit'])
    .filter(Boolean)
    .map((line) => JSON.parse(line)._AUDIT_ID);
  const kernel = read(['-o', 'cat', '_TRANSPORT=kernel'])
    .filter((line) => line.includes(` pid=${pid} `) && line.includes('type=1326'))
    .map((line) => /audit\(\d+\.\d+:(\d+)\)/.exec(line)?.[1]);
  return { audit: audit.length, kernel: kernel.length, either: new Set([...audit, ...kernel]).size };
}

/**
 * For each of process `pid`'s calls of syscall `number` (in order, made at `times` ms), the time
 * until journald received its audit record (__REALTIME_TIMESTAMP): the kernel's and journald's
 * share of a marker's way to the screen.
 */
export function toJournalMs(pid, number, times) {
  const out = execFileSync(
    'journalctl',
    ['--no-pager', '-o', 'json', `_PID=${pid}`, '_TRANSPORT=audit', `_AUDIT_FIELD_SYSCALL=${number}`],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const received = out
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(JSON.parse(line).__REALTIME_TIMESTAMP) / 1000);
  return times.slice(0, received.length).map((at, i) => received[i] - at);
}

export const round = (x, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

export function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

/** Least-squares slope of samples { t (s), rss (MiB) } in MiB per minute. */
export function slopePerMinute(samples) {
  const n = samples.length;
  if (n < 2) return NaN;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const mr = samples.reduce((s, x) => s + x.rss, 0) / n;
  const num = samples.reduce((s, x) => s + (x.t - mt) * (x.rss - mr), 0);
  const den = samples.reduce((s, x) => s + (x.t - mt) ** 2, 0);
  return (num / den) * 60;
}

/**
 * What process `pid` is waiting in (/proc/PID/wchan: "pipe_write" when its output pipe is full,
 * "0" when running), or undefined when it is gone.
 */
export function waitChannel(pid) {
  try {
    return readFileSync(`/proc/${pid}/wchan`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
