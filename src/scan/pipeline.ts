import type { Denial } from '../model/denial.js';
import { parseLine } from '../parse/index.js';
import type { SourceLine } from '../sources/types.js';
import type { Enricher } from './enrich.js';
import { matchesFilter, type DenialFilter } from './filter.js';
import type { ScanStats } from './stats.js';

export interface PipelineOptions {
  readonly filter: DenialFilter;
  readonly enricher: Enricher;
  /** Updated in place as lines flow. */
  readonly stats: ScanStats;
}

/** sources ──lines──▶ parse ──▶ filter ──▶ enrich: the denials to show, in log order. */
export async function* denials(
  lines: AsyncIterable<SourceLine>,
  options: PipelineOptions,
): AsyncGenerator<Denial> {
  const { filter, enricher, stats } = options;
  for await (const { line, source } of lines) {
    stats.lines++;
    const result = parseLine(line, source);
    if (result.kind === 'other') continue;
    if (result.kind === 'unparsed') {
      stats.unparsed++;
      continue;
    }
    stats.denials++;
    const denial = result.denial.source === undefined ? { ...result.denial, source } : result.denial;
    if (!matchesFilter(denial, filter)) continue;
    stats.shown++;
    yield enricher.enrich(denial);
  }
}
