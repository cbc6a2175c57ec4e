import { execa } from 'execa';
import { abortableDelay } from './abortable-delay.js';
import { lossNoticeOf } from './loss-notice.js';
import { JOURNAL_FIELDS, journalLineFacts, RecentKeys } from './journal-entry.js';
import { streamLineBatches } from './stream-line-batches.js';
import type { BatchedLogSource, SourceLine, SourceOptions } from './types.js';

export interface JournaldOptions {
  readonly journalctl?: string;
  /** Extra journalctl arguments, e.g. ['--directory', DIR] or matches. */
  readonly extraArgs?: readonly string[];
}

export type { BatchedLogSource } from './types.js';

const MAX_FAILED_STARTS = 5;
const RESTART_DELAY_MS = 200;

/**
 * journald through `journalctl --output=json`, one JSON object per line. New entries only by
 * default: the journal's tail cursor is taken first and following starts after it, so nothing
 * written after `lines()` is entered is missed. If journalctl exits while following, it is
 * restarted after the last cursor delivered: no line lost, none repeated. The two copies of
 * one audit record (audit and kernel transports) are delivered once. Only the fields the parser
 * reads are asked for (a third of an audit entry's size), and each entry is scanned, not
 * decoded, for its cursor and record key (journalLineFacts).
 */
export function journaldSource(opts: JournaldOptions = {}): BatchedLogSource {
  const journalctl = opts.journalctl ?? 'journalctl';
  const extraArgs = opts.extraArgs ?? [];
  const lineBatches = async function* (options: SourceOptions): AsyncGenerator<SourceLine[]> {
    const follow = options.follow ?? true;
    const signal = options.signal;
    let cursor = options.all ? undefined : await tailCursor(journalctl, extraArgs);
    options.onReady?.();
    if (!options.all && !follow && cursor === undefined) return;
    const auditRecords = new RecentKeys(4096);
    let failedStarts = 0;
    while (!signal?.aborted) {
      const position = cursor === undefined ? ['--lines=all'] : [`--after-cursor=${cursor}`];
      const args = [
        '--output=json',
        `--output-fields=${JOURNAL_FIELDS.join(',')}`,
        '--no-pager',
        ...(follow ? ['--follow'] : []),
        ...position,
        ...extraArgs,
      ];
      const child = execa(journalctl, args, {
        stdin: 'ignore',
        buffer: { stdout: false, stderr: true },
        reject: false,
        ...(signal ? { cancelSignal: signal } : {}),
      });
      let delivered = 0;
      // A line cut short by journalctl's death is read again after the last whole entry's cursor.
      for await (const batch of streamLineBatches(child.stdout, signal)) {
        const receivedAt = Date.now();
        const kept: SourceLine[] = [];
        for (const line of batch) {
          const facts = journalLineFacts(line, mayHoldLossNotice);
          if (facts.cursor !== undefined) cursor = facts.cursor;
          const notice = facts.noticeText !== undefined ? lossNoticeOf(facts.noticeText) : undefined;
          if (notice) options.onGap?.({ source: 'journald', ...notice, at: Date.now() });
          if (facts.auditKey !== undefined && auditRecords.seen(facts.auditKey)) continue;
          kept.push({ line, source: 'journald', receivedAt });
        }
        delivered += kept.length;
        if (kept.length > 0) yield kept;
      }
      const result = await child;
      if (signal?.aborted || !follow) {
        if (!signal?.aborted && result.exitCode !== 0) throw journalctlError(result);
        return;
      }
      failedStarts = delivered > 0 ? 0 : failedStarts + 1;
      if (failedStarts >= MAX_FAILED_STARTS) throw journalctlError(result);
      await abortableDelay(RESTART_DELAY_MS, signal);
    }
  };
  return {
    name: 'journald',
    description: 'journald (journalctl --follow)',
    lineBatches,
    async *lines(options: SourceOptions): AsyncIterable<SourceLine> {
      for await (const batch of lineBatches(options)) yield* batch;
    },
  };
}

async function tailCursor(journalctl: string, extraArgs: readonly string[]): Promise<string | undefined> {
  const result = await execa(
    journalctl,
    ['--lines=0', '--show-cursor', '--quiet', '--no-pager', ...extraArgs],
    {
      stdin: 'ignore',
      reject: false,
    },
  );
  if (result.failed && result.exitCode === undefined) throw journalctlError(result);
  const match = /^-- cursor: (.+)$/m.exec(result.stdout);
  return match?.[1];
}

/** Texts every loss notice holds (lossNoticeOf's patterns): a line with none of them is not one. */
const NOTICE_MARKS = [
  'Missed ',
  'audit: printk limit exceeded',
  'audit: rate limit exceeded',
  'audit: backlog limit exceeded',
  'audit: kauditd hold queue overflow',
  ' callbacks suppressed',
  ' due to rate-limiting',
];

/** lossNoticeOf(text) !== undefined, with a substring test first for the usual line. */
export const mayHoldLossNotice = (text: string): boolean =>
  NOTICE_MARKS.some((mark) => text.includes(mark)) && lossNoticeOf(text) !== undefined;

function journalctlError(result: {
  readonly shortMessage?: string;
  readonly stderr?: unknown;
  readonly cause?: unknown;
}): Error {
  if ((result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return new Error('cannot follow journald: journalctl not found (is systemd installed?)');
  }
  const stderr = typeof result.stderr === 'string' ? result.stderr.trim().split('\n')[0] : '';
  // One line: execa's message goes on with the command's output.
  const message = stderr || result.shortMessage?.split('\n')[0] || 'journalctl failed';
  return new Error(`cannot follow journald: ${message}`);
}
