import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
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

/** Where detectSource looks; tests point it elsewhere. */
export interface DetectPaths {
  readonly journaldSocket?: string;
  readonly syslogFiles?: readonly string[];
  readonly kmsg?: string;
  readonly auditLog?: string;
}

/**
 * Picks the best source this machine has: journald when journalctl exists and journald runs,
 * then a syslog file being written, then the kernel ring buffer, then auditd's log.
 */
export async function detectSource(paths: DetectPaths = {}): Promise<DetectedSource> {
  const socket = paths.journaldSocket ?? JOURNALD_SOCKET;
  const kmsg = paths.kmsg ?? KMSG;
  const auditLog = paths.auditLog ?? AUDIT_LOG;
  const syslogFiles = paths.syslogFiles ?? SYSLOG_CANDIDATES;
  if ((await onPath('journalctl')) && (await exists(socket))) {
    const source = journaldSource();
    return { source, reason: `following ${source.description}; use --source to choose` };
  }
  const syslogPath = await liveSyslogPath(syslogFiles);
  if (syslogPath !== undefined) {
    return {
      source: syslogSource([syslogPath]),
      reason: `following ${syslogPath} (journald is not running); use --source to choose`,
    };
  }
  if (await canOpen(kmsg)) {
    return {
      source: kmsgSource(kmsg),
      reason: `following the kernel ring buffer ${kmsg} (no journald, no syslog file); use --source to choose`,
    };
  }
  if (await canOpen(auditLog)) {
    return {
      source: auditSource(auditLog),
      reason: `following ${auditLog} (no journald, syslog file or readable ${kmsg}); use --source to choose`,
    };
  }
  throw new Error(
    `cannot find a log to follow: no journald, no ${syslogFiles.join(' or ')}, ${kmsg} and ${auditLog} unreadable`,
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

async function liveSyslogPath(candidates: readonly string[]): Promise<string | undefined> {
  const existing: string[] = [];
  for (const path of candidates) {
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

/** Opens for real: /dev/kmsg passes access(2) but refuses open under dmesg_restrict. */
async function canOpen(path: string): Promise<boolean> {
  try {
    await (await open(path, constants.O_RDONLY | constants.O_NONBLOCK)).close();
    return true;
  } catch {
    return false;
  }
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
