import { existsSync } from 'node:fs';
import { logFileSource } from './log-file-source.js';
import { watchForwardMisses, type ForwardWatchOptions } from './forward-misses.js';
import type { BatchedLogSource, SourceLine, SourceOptions } from './types.js';

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

/**
 * The syslog file, and while following, journald's counts of syslog(3) messages it could not
 * forward to rsyslog (watchForwardMisses) as gaps: those messages are in no syslog file.
 */
export function syslogSource(
  paths: readonly string[] = SYSLOG_CANDIDATES,
  journal: ForwardWatchOptions = {},
): BatchedLogSource {
  const path = pickSyslogPath(paths) ?? paths[0];
  if (path === undefined) throw new Error('cannot follow syslog: no file path given');
  const file = logFileSource(path, 'syslog', `syslog (${path})`);
  const lineBatches = async function* (options: SourceOptions): AsyncGenerator<readonly SourceLine[]> {
    const onGap = options.onGap;
    if (!(options.follow ?? true) || !onGap) {
      yield* file.lineBatches(options);
      return;
    }
    const stop = new AbortController();
    const stopWatching = (): void => stop.abort();
    options.signal?.addEventListener('abort', stopWatching, { once: true });
    const watching = watchForwardMisses(onGap, stop.signal, journal);
    try {
      yield* file.lineBatches(options);
    } finally {
      options.signal?.removeEventListener('abort', stopWatching);
      stop.abort();
      await watching;
    }
  };
  return {
    ...file,
    lineBatches,
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      for await (const batch of lineBatches(options)) yield* batch;
    },
  };
}
