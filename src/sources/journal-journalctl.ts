import { execa } from 'execa';
import { abortableDelay } from './abortable-delay.js';
import { JournalBatchFilter } from './journal-batch.js';
import { JOURNAL_FIELDS } from './journal-entry.js';
import { streamLineBatches } from './stream-line-batches.js';
import type { SourceLine, SourceOptions } from './types.js';

const MAX_FAILED_STARTS = 5;
const RESTART_DELAY_MS = 200;

/**
 * journald through `journalctl --output=json --follow`, one JSON object per line. New entries
 * only by default: the journal's tail cursor is taken first and following starts after it. If
 * journalctl exits while following, it is restarted after the last cursor delivered: no line
 * lost, none repeated.
 */
export async function* journalctlBatches(
  journalctl: string,
  extraArgs: readonly string[],
  options: SourceOptions,
): AsyncGenerator<SourceLine[]> {
  const follow = options.follow ?? true;
  const signal = options.signal;
  const start = options.all ? undefined : await tailCursor(journalctl, extraArgs);
  options.onReady?.();
  if (!options.all && !follow && start === undefined) return;
  const filter = new JournalBatchFilter(start, options.onGap);
  let failedStarts = 0;
  while (!signal?.aborted) {
    const position = filter.cursor === undefined ? ['--lines=all'] : [`--after-cursor=${filter.cursor}`];
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
      const kept = filter.keep(batch, Date.now());
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
