/**
 * scanlog once its command line is checked (commands/scanlog.ts), but for a bulk replay
 * (replay-run.ts): the source, the system's preparation, the pipeline to the UI or the output.
 */
import { fstatSync } from 'node:fs';
import type { ScanArgs } from '../commands/scanlog.js';
import { replayFileOf, wantsUi } from '../commands/scanlog.js';
import type { CommandIO } from '../commands/types.js';
import type { Denial } from '../model/denial.js';
import { printDenials } from '../output/print-denials.js';
import { DENIAL_MARKERS } from '../parse/index.js';
import { rulesCacheDir, rulesDir } from '../paths.js';
import { scanCandidates } from '../sources/candidate-scan.js';
// Live sources (journald's pulls in execa) load only when followed: a --file replay never needs them.
import { fileSource } from '../sources/file-source.js';
import type { BatchedLogSource } from '../sources/journald-source.js';
import { stdinSource } from '../sources/stdin-source.js';
import type { LogSource, SourceGap, SourceOptions } from '../sources/types.js';
import { loadRules } from '../suggest/index.js';
import { Enricher } from './enrich.js';
import type { DenialFilter } from './filter.js';
import { denialOf, denials, denialsFromBatches, type PipelineOptions } from './pipeline.js';
import { announced, prepareSystem } from './scanlog-system.js';
import { formatScanStats, newScanStats, type ScanStats } from './stats.js';
import type { SuggestionThread } from './suggestion-thread.js';

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

/** The source and the rest of what the scan needs from the command line. */
async function scanOptions(args: ScanArgs, io: CommandIO): Promise<ScanOptions> {
  let source: LogSource;
  let sourceReason: string;
  if (args.file !== undefined) {
    source = fileSource(args.file);
    sourceReason = `reading ${args.file}`;
  } else if (args.sourceName === 'stdin' || (args.sourceName === 'auto' && stdinIsPipeOrFile(io))) {
    source = stdinSource(io.stdin);
    sourceReason = 'reading standard input';
  } else if (args.sourceName === 'auto') {
    const { detectSource } = await import('../sources/detect.js');
    ({ source, reason: sourceReason } = await detectSource());
  } else {
    const { sourceByName } = await import('../sources/detect.js');
    source = await sourceByName(args.sourceName);
    sourceReason = `following ${source.description}`;
  }
  const replayFile = replayFileOf(args);
  return {
    filter: {
      ...(args.snap !== undefined ? { snap: args.snap } : {}),
      includeUnconfined: args.includeUnconfined,
    },
    source,
    sourceReason,
    all: args.all || args.file !== undefined || source.name === 'stdin',
    follow: args.file !== undefined ? args.follow : !args.noFollow,
    json: args.json,
    ui: wantsUi(args, io),
    keepRatelimit: args.keepRatelimit,
    ...(args.snapPath !== undefined ? { snapPath: args.snapPath } : {}),
    ...(args.user !== undefined ? { user: args.user } : {}),
    ...(replayFile !== undefined ? { replayFile } : {}),
  };
}

/**
 * The scan `args` ask for, shown or printed to `io`; `thread` is a saved file's suggestion thread
 * when commands/scanlog.ts started one (closed here).
 */
export async function runScanlogFollowing(
  args: ScanArgs,
  io: CommandIO,
  thread: SuggestionThread | undefined,
): Promise<number> {
  const options = await scanOptions(args, io);
  const stats: ScanStats = newScanStats();
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const restore = await prepareSystem(options.keepRatelimit, options.source.name, io);
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
    const stream = denialStream(options, pipeline, sourceOptions, abort.signal, onReady);
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
}
