import type { Denial, SourceName } from '../model/denial.js';
import { parseLine } from '../parse/index.js';
import type { CandidateBatch } from '../sources/candidate-scan.js';
import type { SourceLine } from '../sources/types.js';
import type { OwnedEnricher } from './replay-enrich.js';
import { matchesFilter, type DenialFilter } from './filter.js';
import type { ScanStats } from './stats.js';

export interface PipelineOptions {
  readonly filter: DenialFilter;
  readonly enricher: OwnedEnricher;
  /** Updated in place as lines flow. */
  readonly stats: ScanStats;
}

/** parse ──▶ filter ──▶ enrich for one line: the denial to show, or undefined. */
export function denialOf(line: string, source: SourceName, options: PipelineOptions): Denial | undefined {
  const { filter, enricher, stats } = options;
  stats.lines++;
  const result = parseLine(line, source);
  if (result.kind === 'other') return undefined;
  if (result.kind === 'unparsed') {
    stats.unparsed++;
    return undefined;
  }
  stats.denials++;
  if (!matchesFilter(result.denial, filter)) return undefined;
  stats.shown++;
  // parseLine builds a new record for every line: nobody else holds it.
  return enricher.enrichOwned(result.denial, source);
}

/** sources ──lines──▶ parse ──▶ filter ──▶ enrich: the denials to show, in log order. */
export async function* denials(
  lines: AsyncIterable<SourceLine>,
  options: PipelineOptions,
): AsyncGenerator<Denial> {
  for await (const { line, source } of lines) {
    const denial = denialOf(line, source, options);
    if (denial) yield denial;
  }
}

/** The same for a pre-filtered saved file: lines without a denial marker are only counted. */
export async function* denialsFromBatches(
  batches: AsyncIterable<CandidateBatch>,
  options: PipelineOptions,
): AsyncGenerator<Denial> {
  for await (const { lines, skipped } of batches) {
    options.stats.lines += skipped;
    for (const line of lines) {
      const denial = denialOf(line, 'file', options);
      if (denial) yield denial;
    }
  }
}
