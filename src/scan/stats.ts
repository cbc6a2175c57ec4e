/** Counters a scan keeps; the follower never stops on a bad line, it counts it here. */
export interface ScanStats {
  /** Lines read from the source. */
  lines: number;
  /** Denial records parsed (before the snap filter). */
  denials: number;
  /** Denials that passed the filter and were shown. */
  shown: number;
  /** Lines that looked like denials but could not be parsed. */
  unparsed: number;
  /** Gaps the source reported (restarts, kernel drops). */
  gaps: number;
  /** Messages known lost inside those gaps. */
  lost: number;
}

export function newScanStats(): ScanStats {
  return { lines: 0, denials: 0, shown: 0, unparsed: 0, gaps: 0, lost: 0 };
}

/** One line for the end of a scan, e.g. "scanlog: 1000 lines, 20 denials (18 shown), 1 unparsed". */
export function formatScanStats(stats: ScanStats): string {
  const parts = [
    `${stats.lines} lines`,
    `${stats.denials} denials (${stats.shown} shown)`,
    `${stats.unparsed} unparsed`,
  ];
  if (stats.gaps > 0) parts.push(`${stats.gaps} gaps (${stats.lost} messages lost)`);
  return `scanlog: ${parts.join(', ')}`;
}
