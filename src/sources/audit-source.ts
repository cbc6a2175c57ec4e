import { logFileSource } from './log-file-source.js';
import type { LogSource } from './types.js';

export const AUDIT_LOG = '/var/log/audit/audit.log';

/** auditd's log; auditd rotates by rename, which the follower survives. */
export function auditSource(path: string = AUDIT_LOG): LogSource {
  return logFileSource(path, 'audit', `auditd (${path})`);
}
