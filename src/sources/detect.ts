import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { AUDIT_LOG, auditSource } from './audit-source.js';
import { journaldSource } from './journald-source.js';
import { KMSG, kmsgSource } from './kmsg-source.js';
import { stdinSource } from './stdin-source.js';
import { SYSLOG_CANDIDATES, syslogSource } from './syslog-source.js';
import type { LogSource } from './types.js';

export const JOURNALD_SOCKET = '/run/systemd/journal/socket';
/** A syslog file written to within this long counts as live. */
const RECENT_MS = 24 * 60 * 60 * 1000;

export interface DetectedSource {
  readonly source: LogSource;
  /** One line saying what is followed and why, for the start-up message. */
  readonly reason: string;
}

/** The source names `sourceByName` accepts. */
export const SOURCE_NAMES = ['journald', 'syslog', 'kmsg', 'audit', 'stdin'] as const;

/**
 * Picks the best source this machine has: journald when journalctl exists and journald runs,
 * then a syslog file being written, then the kernel ring buffer, then auditd's log.
 */
export async function detectSource(): Promise<DetectedSource> {
  if ((await onPath('journalctl')) && (await exists(JOURNALD_SOCKET))) {
    return {
      source: journaldSource(),
      reason: 'following journald (journalctl --follow); use --source to choose',
    };
  }
  const syslogPath = await liveSyslogPath();
  if (syslogPath !== undefined) {
    return {
      source: syslogSource([syslogPath]),
      reason: `following ${syslogPath} (journald is not running); use --source to choose`,
    };
  }
  if (await readable(KMSG)) {
    return {
      source: kmsgSource(),
      reason: `following the kernel ring buffer ${KMSG} (no journald, no syslog file); use --source to choose`,
    };
  }
  if (await readable(AUDIT_LOG)) {
    return {
      source: auditSource(),
      reason: `following ${AUDIT_LOG} (no journald, syslog file or readable ${KMSG}); use --source to choose`,
    };
  }
  throw new Error(
    `cannot find a log to follow: no journald, no ${SYSLOG_CANDIDATES.join(' or ')}, ${KMSG} and ${AUDIT_LOG} unreadable`,
  );
}

/** The source called `name`; throws a one-line error for an unknown name. */
export function sourceByName(name: string): LogSource {
  switch (name) {
    case 'journald':
      return journaldSource();
    case 'syslog':
      return syslogSource();
    case 'kmsg':
      return kmsgSource();
    case 'audit':
      return auditSource();
    case 'stdin':
      return stdinSource();
    default:
      throw new Error(`unknown source '${name}' (choose from ${SOURCE_NAMES.join(', ')})`);
  }
}

async function liveSyslogPath(): Promise<string | undefined> {
  const existing: string[] = [];
  for (const path of SYSLOG_CANDIDATES) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (Date.now() - info.mtimeMs < RECENT_MS) return path;
    existing.push(path);
  }
  return existing[0];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

async function onPath(command: string): Promise<boolean> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (
      dir &&
      (await access(join(dir, command), constants.X_OK).then(
        () => true,
        () => false,
      ))
    )
      return true;
  }
  return false;
}
