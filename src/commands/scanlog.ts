import { fstatSync, statSync } from 'node:fs';
import type { Denial } from '../model/denial.js';
import { FdWriter, fdOf } from '../output/fd-writer.js';
import { appendJsonLine, formatJsonLine } from '../output/json.js';
import { formatBlock } from '../output/text.js';
import { rulesCacheDir, rulesDir } from '../paths.js';
import { Enricher } from '../scan/enrich.js';
import type { DenialFilter } from '../scan/filter.js';
import { denialOf, denials, denialsFromBatches, type PipelineOptions } from '../scan/pipeline.js';
import { tuneForBatchReplay } from '../scan/batch-tuning.js';
import { startSuggestionThread } from '../scan/suggestion-thread.js';
import { denialBatchesThreaded } from '../scan/threaded-pipeline.js';
import { RenderedHead, RepeatTemplates } from '../scan/repeat-lane.js';
import { formatScanStats, newScanStats, type ScanStats } from '../scan/stats.js';
import { DENIAL_MARKERS } from '../parse/index.js';
import { scanCandidates } from '../sources/candidate-scan.js';
// Live sources (journald's pulls in execa) load only when followed: a --file replay never needs them.
import { fileSource } from '../sources/file-source.js';
import { stdinSource } from '../sources/stdin-source.js';
import type { BatchedLogSource } from '../sources/journald-source.js';
import type { LogSource, SourceGap, SourceOptions } from '../sources/types.js';
import { loadRules } from '../suggest/index.js';
import { lowerPrintkRatelimit, recoverPrintkRatelimit } from '../system/printk.js';
import { isRoot, unreadableSources } from '../system/privileges.js';
import { UsageError, type CommandIO, type CommandMain } from './types.js';
import { parseCommandArgs } from './args.js';

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

interface ScanOptions {
  readonly filter: DenialFilter;
  readonly source: LogSource;
  readonly sourceReason: string;
  readonly all: boolean;
  readonly follow: boolean;
  readonly json: boolean;
  readonly ui: boolean;
  readonly keepRatelimit: boolean;
  /** The UI's run keys: --snap PATH and --user USER. */
  readonly snapPath?: string;
  readonly user?: string;
  /** A plain saved file read once: scanned in bulk, only candidate lines decoded. */
  readonly replayFile?: string;
}

/** Calls `onReady` once the first batch is read (the file is open and readable). */
async function* announced<T>(batches: AsyncIterable<T>, onReady: () => void): AsyncGenerator<T> {
  let ready = false;
  for await (const batch of batches) {
    if (!ready) {
      ready = true;
      onReady();
    }
    yield batch;
  }
  if (!ready) onReady();
}

/** The source's line batches when it hands them over (journald), undefined otherwise. */
function batchesOf(source: LogSource): BatchedLogSource | undefined {
  return typeof (source as Partial<BatchedLogSource>).lineBatches === 'function'
    ? (source as BatchedLogSource)
    : undefined;
}

/** sources ──▶ parse ──▶ filter ──▶ enrich as one stream of denials: a saved file in bulk, else line by line. */
function denialStream(
  options: ScanOptions,
  pipeline: PipelineOptions,
  sourceOptions: SourceOptions,
  signal: AbortSignal,
  onReady: () => void,
): AsyncGenerator<Denial> {
  return options.replayFile
    ? denialsFromBatches(
        announced(scanCandidates(options.replayFile, DENIAL_MARKERS, { signal }), onReady),
        pipeline,
      )
    : denials(options.source.lines(sourceOptions), pipeline);
}

/** The size of the file at `path`, 0 when it cannot be read (reading it reports why). */
function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function stdinIsPipeOrFile(io: CommandIO): boolean {
  if (io.stdin.isTTY) return false;
  const fd = (io.stdin as { fd?: number }).fd;
  if (fd === undefined) return true;
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isFile() || stat.isSocket();
  } catch {
    return false;
  }
}

async function parseOptions(argv: readonly string[], io: CommandIO): Promise<ScanOptions | 'help'> {
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
  if (snap !== undefined && !/^[a-z0-9](?:-?[a-z0-9])*(?:_[a-z0-9]{1,10})?$/.test(snap)) {
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

  let source: LogSource;
  let sourceReason: string;
  if (values.file !== undefined) {
    source = await fileSource(values.file);
    sourceReason = `reading ${values.file}`;
  } else if (sourceName === 'stdin' || (sourceName === 'auto' && stdinIsPipeOrFile(io))) {
    source = stdinSource(io.stdin);
    sourceReason = 'reading standard input';
  } else if (sourceName === 'auto') {
    const { detectSource } = await import('../sources/detect.js');
    ({ source, reason: sourceReason } = await detectSource());
  } else {
    const { sourceByName } = await import('../sources/detect.js');
    source = await sourceByName(sourceName);
    sourceReason = `following ${source.description}`;
  }
  const json = values.json === true;
  return {
    filter: {
      ...(snap !== undefined ? { snap } : {}),
      includeUnconfined: values['include-unconfined'] === true,
    },
    source,
    sourceReason,
    all: values.all === true || values.file !== undefined || source.name === 'stdin',
    follow: values.file !== undefined ? values.follow === true : values['no-follow'] !== true,
    json,
    ui: !json && values.plain !== true && io.stdout.isTTY === true && io.stdin.isTTY === true,
    keepRatelimit: values['keep-ratelimit'] === true,
    ...(values.snap !== undefined ? { snapPath: values.snap } : {}),
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values.file !== undefined && !values.file.endsWith('.gz') && values.follow !== true
      ? { replayFile: values.file }
      : {}),
  };
}

/** Sets printk_ratelimit to 0 as root (restored on every exit path); warns what a non-root run misses. */
async function prepareSystem(options: ScanOptions, io: CommandIO): Promise<() => Promise<void>> {
  if (!isRoot()) {
    const missed = await unreadableSources();
    const what = missed.length > 0 ? `; cannot read ${missed.join(', ')}` : '';
    io.stderr.write(
      `WARN: not root: kernel.printk_ratelimit stays as it is, so bursts of denials may be dropped${what}\n`,
    );
    return async () => {};
  }
  // A pipe is usually `journalctl -f`: live kernel messages, so lower the limit as for any follower.
  if (options.keepRatelimit || options.source.name === 'file') {
    const recovered = recoverPrintkRatelimit();
    if (recovered !== undefined)
      io.stderr.write(`kernel.printk_ratelimit = ${recovered} (restored: a killed run had left 0)\n`);
    return async () => {};
  }
  const lowered = await lowerPrintkRatelimit();
  io.stderr.write('kernel.printk_ratelimit = 0\n');
  return lowered.restore;
}

/**
 * Writes text in batches: everything produced before the scan next waits for input goes out
 * in one write (a saved file's 20,000 denials are a few writes, a live denial is written at once).
 */
class BatchedWriter {
  private pending = '';
  private scheduled = false;

  constructor(private readonly stream: CommandIO['stdout']) {}

  write(text: string): void {
    this.pending += text;
    if (this.pending.length > 1 << 16) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    this.stream.write(this.pending);
    this.pending = '';
  }
}

/** A denial, or the JSON line of one, or the bytes of such lines (see ThreadedItem). */
type Printable = Denial | string | Uint8Array | RenderedHead;

const isBatch = (item: Printable | readonly Printable[]): item is readonly Printable[] => Array.isArray(item);

function writeBytes(out: FdWriter | BatchedWriter, bytes: Uint8Array): Promise<void> | undefined {
  if (out instanceof FdWriter) return out.writeBytes(bytes);
  out.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  return undefined;
}

/** A saved file's replay (`bulk`) goes straight to stdout's descriptor in large writes. */
async function printDenials(
  stream: AsyncIterable<Printable | readonly Printable[]>,
  json: boolean,
  io: CommandIO,
  bulk: boolean,
): Promise<void> {
  const fd = bulk ? fdOf(io.stdout) : undefined;
  const out = fd === undefined ? new BatchedWriter(io.stdout) : new FdWriter(fd, io.stdout);
  let first = true;
  for await (const item of stream) {
    for (const denial of isBatch(item) ? item : [item]) {
      let wait: Promise<void> | undefined | void;
      if (typeof denial === 'string') {
        wait = out.write(denial);
      } else if (denial instanceof Uint8Array) {
        wait = writeBytes(out, denial);
      } else if (denial instanceof RenderedHead) {
        wait = writeBytes(out, denial.head);
        if (wait) await wait;
        wait = writeBytes(out, denial.tail!);
      } else if (json && out instanceof FdWriter) {
        appendJsonLine(denial, out.batch);
        wait = out.flushIfFull();
      } else if (json) {
        wait = out.write(formatJsonLine(denial));
      } else {
        wait = out.write(`${first ? '' : '\n'}${formatBlock(denial)}\n`);
        first = false;
      }
      if (wait) await wait;
    }
  }
  await out.flush();
}

export const main: CommandMain = async (argv, io) => {
  const options = await parseOptions(argv, io);
  if (options === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  const stats: ScanStats = newScanStats();
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const restore = await prepareSystem(options, io);
  const batchReplay = options.replayFile !== undefined && !options.ui;
  // A saved file printed in bulk is the one batch job: V8 tuned for it, suggestions on a thread.
  if (batchReplay) tuneForBatchReplay();
  const thread = batchReplay
    ? startSuggestionThread(
        { rulesDir: rulesDir(), cacheDir: rulesCacheDir() },
        fileBytes(options.replayFile),
      )
    : undefined;
  try {
    const onGap = (gap: SourceGap): void => {
      stats.gaps++;
      stats.lost += gap.lost ?? 0;
      if (!options.ui) {
        const lost = gap.lost !== undefined ? `${gap.lost} messages lost` : 'messages may have been lost';
        io.stderr.write(`WARN: ${gap.source}: ${lost} (${gap.reason})\n`);
      }
    };
    // Announced once the source is positioned: from here on, nothing logged is missed.
    // Not onto the UI's screen (its header says what is followed): a line under Ink scrolls its frame.
    const announce = !options.ui || !(io.stderr as { isTTY?: boolean }).isTTY;
    const onReady = (): void => {
      if (announce) io.stderr.write(`INFO: ${options.sourceReason}\n`);
    };
    const pipeline = {
      filter: options.filter,
      enricher: new Enricher(thread ? undefined : loadRules(rulesDir(), { cacheDir: rulesCacheDir() })),
      stats,
    };
    const sourceOptions = {
      all: options.all,
      follow: options.follow,
      signal: abort.signal,
      onGap,
      onReady,
      // The UI owns the screen; notices (a followed file gone, back) are for the text path.
      ...(options.ui ? {} : { onNotice: (message: string) => io.stderr.write(`INFO: ${message}\n`) }),
    };
    if (options.ui) {
      const { runTui } = await import('../ui/run-tui.js');
      const batched = options.replayFile ? undefined : batchesOf(options.source);
      return await runTui({
        // A batching source: one await per read, each line taken to its denial in the UI's own loop.
        denials: batched
          ? {
              batches: batched.lineBatches(sourceOptions),
              denialOf: ({ line, source }) => denialOf(line, source, pipeline),
            }
          : denialStream(options, pipeline, sourceOptions, abort.signal, onReady),
        sourceDescription: options.source.description,
        ...(options.filter.snap !== undefined ? { snapFilter: options.filter.snap } : {}),
        stats: () => ({ lines: stats.lines, unparsed: stats.unparsed, gaps: stats.gaps }),
        run: {
          ...(options.filter.snap !== undefined ? { snap: options.filter.snap } : {}),
          ...(options.snapPath !== undefined ? { snapPath: options.snapPath } : {}),
          ...(options.user !== undefined ? { user: options.user } : {}),
        },
      });
    }
    // JSON lines of repeats are made from their keys' templates, by the native scan once it has them.
    const templates = options.json ? new RepeatTemplates() : undefined;
    const stream =
      thread && options.replayFile !== undefined
        ? denialBatchesThreaded(
            announced(
              scanCandidates(options.replayFile, DENIAL_MARKERS, {
                signal: abort.signal,
                keyed: templates !== undefined,
                templates: () => templates?.takeForScan(),
              }),
              onReady,
            ),
            { ...pipeline, thread, ...(templates ? { jsonRepeats: templates } : {}) },
          )
        : denialStream(options, pipeline, sourceOptions, abort.signal, onReady);
    await printDenials(stream, options.json, io, options.replayFile !== undefined);
    io.stderr.write(`${formatScanStats(stats)}\n`);
    return 0;
  } finally {
    // The UI returns when the user quits, with the follower still waiting for lines: stop it.
    abort.abort();
    await thread?.close();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await restore();
  }
};
