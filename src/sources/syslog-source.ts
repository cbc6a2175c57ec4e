import { existsSync } from 'node:fs';
import { logFileSource } from './log-file-source.js';
import type { LogSource } from './types.js';

/**
 * /var/log/syslog first: on Debian and Ubuntu it holds the kernel's messages (the same lines
 * as kern.log) plus syslog(3) messages such as our launcher's device-cgroup reports, so
 * following it alone sees everything once. kern.log is used only when neither syslog nor
 * messages exists.
 */
export const SYSLOG_CANDIDATES: readonly string[] = [
  '/var/log/syslog',
  '/var/log/messages',
  '/var/log/kern.log',
];

export function pickSyslogPath(paths: readonly string[] = SYSLOG_CANDIDATES): string | undefined {
  return paths.find((path) => existsSync(path));
}

export function syslogSource(paths: readonly string[] = SYSLOG_CANDIDATES): LogSource {
  const path = pickSyslogPath(paths) ?? paths[0];
  if (path === undefined) throw new Error('cannot follow syslog: no file path given');
  return logFileSource(path, 'syslog', `syslog (${path})`);
}
