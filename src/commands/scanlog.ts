import { SNAP_NAME } from '../early-replay-args.js';
import { takeEarlySuggestionThread } from '../early-suggestion.js';
import { exitPromptlyWhenDone } from '../prompt-exit.js';
import { startReplaySuggestionThread } from '../scan/replay-suggestion-thread.js';
import type { SuggestionThread } from '../scan/suggestion-thread.js';
import { parseCommandArgs } from './args.js';
import { UsageError, type CommandIO, type CommandMain } from './types.js';

const SOURCES = ['auto', 'journald', 'syslog', 'kmsg', 'audit', 'stdin'] as const;

export const HELP = `Usage: snappy-debug scanlog [OPTIONS] [SNAP]

Follows the system's logs and explains every AppArmor, seccomp and device-cgroup
denial of SNAP (all snaps when omitted) as it happens. On a terminal it opens the
interactive UI; otherwise it prints snappy-debug's blocks (or JSON lines).

Options:
      --only-snap=SNAP      only denials of SNAP (same as the positional SNAP)
      --source=SOURCE       auto (default), journald, syslog, kmsg, audit or stdin
      --file=PATH           replay PATH (plain or .gz) and stop at its end, like aa-logprof -f
      --all                 also read what the log already holds (default: only new events)
      --no-follow           stop at the end of what exists
      --follow              keep following a --file (plain files only) as it grows
      --json                one JSON object per denial
      --plain               print blocks even on a terminal (no UI)
      --include-unconfined  also show denials of profiles that are not snaps
      --keep-ratelimit      do not change kernel.printk_ratelimit
      --snap=PATH           the UI's run keys run SNAP from PATH (a .snap file or a
                            directory) instead of /snap/SNAP/current
      --user=USER           the UI runs SNAP's app as USER (default: SUDO_UID, else you)
  -h, --help                show this help

In the UI, r runs SNAP's app in strict mode and d in devmode (as root, through
snappy-debug's launcher), m switches mode and runs again, c compares both.

Lines piped on standard input are read as the log (journalctl -f | snappy-debug).
As root, kernel.printk_ratelimit is set to 0 while scanning and restored on exit.
`;

/** What the command line asks for, checked; the source is made from it when the scan starts. */
export interface ScanArgs {
  readonly snap?: string;
  readonly sourceName: string;
  /** Whether --source was given. */
  readonly sourceGiven: boolean;
  readonly file?: string;
  readonly all: boolean;
  readonly noFollow: boolean;
  readonly follow: boolean;
  readonly json: boolean;
  readonly plain: boolean;
  readonly includeUnconfined: boolean;
  readonly keepRatelimit: boolean;
  readonly snapPath?: string;
  readonly user?: string;
}

export function parseScanArgs(argv: readonly string[]): ScanArgs | 'help' {
  const { values, positionals } = parseCommandArgs('scanlog', argv, {
    'only-snap': { type: 'string' },
    source: { type: 'string' },
    file: { type: 'string' },
    all: { type: 'boolean' },
    'no-follow': { type: 'boolean' },
    follow: { type: 'boolean' },
    json: { type: 'boolean' },
    plain: { type: 'boolean' },
    'include-unconfined': { type: 'boolean' },
    'keep-ratelimit': { type: 'boolean' },
    snap: { type: 'string' },
    user: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  if (positionals.length > 1)
    throw new UsageError(`scanlog: one SNAP at most, got: ${positionals.join(' ')}`);
  const snap = values['only-snap'] ?? positionals[0];
  if (snap !== undefined && !SNAP_NAME.test(snap)) {
    throw new UsageError(`scanlog: '${snap}' is not a valid snap name`);
  }
  if (values.snap !== undefined && snap === undefined)
    throw new UsageError('scanlog: --snap PATH needs the SNAP it holds (scanlog --snap PATH SNAP)');
  if (values.user !== undefined && snap === undefined)
    throw new UsageError('scanlog: --user goes with a SNAP to run');
  const sourceName = values.source ?? 'auto';
  if (!(SOURCES as readonly string[]).includes(sourceName)) {
    throw new UsageError(`scanlog: unknown source '${sourceName}' (choose from ${SOURCES.join(', ')})`);
  }
  if (values.follow && values['no-follow'])
    throw new UsageError('scanlog: --follow and --no-follow contradict each other');
  if (values.follow && values.file === undefined) throw new UsageError('scanlog: --follow goes with --file');
  if (values.file !== undefined && values.source !== undefined) {
    throw new UsageError('scanlog: --file and --source cannot be used together');
  }
  return {
    ...(snap !== undefined ? { snap } : {}),
    sourceName,
    sourceGiven: values.source !== undefined,
    ...(values.file !== undefined ? { file: values.file } : {}),
    all: values.all === true,
    noFollow: values['no-follow'] === true,
    follow: values.follow === true,
    json: values.json === true,
    plain: values.plain === true,
    includeUnconfined: values['include-unconfined'] === true,
    keepRatelimit: values['keep-ratelimit'] === true,
    ...(values.snap !== undefined ? { snapPath: values.snap } : {}),
    ...(values.user !== undefined ? { user: values.user } : {}),
  };
}

/** A plain saved file read once (not followed, not compressed): scanned in bulk. */
export function replayFileOf(args: ScanArgs): string | undefined {
  return args.file !== undefined && !args.file.endsWith('.gz') && !args.follow ? args.file : undefined;
}

/** Whether the interactive UI is shown. */
export function wantsUi(args: ScanArgs, io: CommandIO): boolean {
  return !args.json && !args.plain && io.stdout.isTTY === true && io.stdin.isTTY === true;
}

/**
 * Checks the command line, then loads the rest of scanlog (scan/scanlog-run.ts). A saved file
 * printed in bulk is the one batch job: V8 is tuned for it and its suggestion thread is started
 * first, so that the thread's own start-up runs beside the loading of the rest.
 */
export const main: CommandMain = async (argv, io) => {
  const args = parseScanArgs(argv);
  if (args === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  const replayFile = replayFileOf(args);
  const batchReplay = replayFile !== undefined && !wantsUi(args, io);
  // The bin entry may have started it already (early-suggestion.ts).
  const thread = batchReplay
    ? await (takeEarlySuggestionThread(replayFile) ?? startReplaySuggestionThread(replayFile))
    : undefined;
  try {
    const { runScanlog } = await import('../scan/scanlog-run.js');
    const status = await runScanlog(args, io, thread);
    // Printed, its thread closed: nothing of a batch replay runs on after it.
    if (batchReplay) exitPromptlyWhenDone();
    return status;
  } finally {
    await thread?.close();
    if (thread && process.env.SNAPPY_DEBUG_SUGGEST_TIMES === '1') io.stderr.write(`${answerTimes(thread)}\n`);
  }
};

/** When the suggestion thread's first and last answers came, for benchmarks (SNAPPY_DEBUG_SUGGEST_TIMES=1). */
function answerTimes(thread: SuggestionThread): string {
  const at = (ms: number | undefined): string => (ms === undefined ? 'never' : `${Math.round(ms)} ms`);
  const engine = thread.engine === 'worker' ? 'worker thread' : 'snapshot process';
  return `suggestions (${engine}): first answer at ${at(thread.firstAnswerAt)}, last at ${at(thread.lastAnswerAt)}`;
}
