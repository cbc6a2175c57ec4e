import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { streamLines } from './stream-lines.js';
import type { SourceGap } from './types.js';

/** systemd's message id of journald's "Forwarding to syslog missed N messages." */
export const FORWARD_SYSLOG_MISSED_ID = '0027229ca0644181a76c4e92458afa2e';
const JOURNALD_SOCKET = '/run/systemd/journal/socket';
const MISSED = /^Forwarding to syslog missed (\d+) messages/;

/** The count in journald's notice of messages it could not forward to syslog; undefined otherwise. */
export function forwardMissesOf(message: string): number | undefined {
  const match = MISSED.exec(message);
  return match ? Number(match[1]) : undefined;
}

export interface ForwardWatchOptions {
  readonly journaldSocket?: string;
  readonly journalctl?: string;
}

/**
 * syslog(3) messages reach rsyslog through journald, which drops what rsyslog's socket cannot
 * take and counts them only in the journal (the first at once, the rest up to 30 s later). While
 * `signal` is not aborted, follows the journal for those counts and reports each as a gap of the
 * syslog files. Does nothing when journald does not run or journalctl cannot be started.
 */
export async function watchForwardMisses(
  onGap: (gap: SourceGap) => void,
  signal: AbortSignal,
  options: ForwardWatchOptions = {},
): Promise<void> {
  if (signal.aborted || !existsSync(options.journaldSocket ?? JOURNALD_SOCKET)) return;
  // From now, not from wherever journalctl finds the end once it has started: on a busy machine
  // that takes over a second, and journald writes its first notice the moment a burst overflows.
  const since = `@${(Date.now() / 1000).toFixed(6)}`;
  const child = execa(
    options.journalctl ?? 'journalctl',
    ['--follow', `--since=${since}`, '--output=cat', '--no-pager', `MESSAGE_ID=${FORWARD_SYSLOG_MISSED_ID}`],
    { stdin: 'ignore', stderr: 'ignore', buffer: false, reject: false, cancelSignal: signal },
  );
  try {
    for await (const line of streamLines(child.stdout, signal)) {
      const lost = forwardMissesOf(line);
      if (lost === undefined) continue;
      onGap({
        source: 'syslog',
        lost,
        reason: 'journald could not forward them to syslog (its socket was full)',
        at: Date.now(),
      });
    }
  } catch {
    // journalctl missing or gone: the file is still followed, only this count is not.
  }
  await child;
}
