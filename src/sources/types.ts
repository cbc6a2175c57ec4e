import type { SourceName } from '../model/denial.js';

/** One line as a source delivers it. */
export interface SourceLine {
  readonly line: string;
  readonly source: SourceName;
  /** Date.now() when the line was read. */
  readonly receivedAt: number;
}

/** What a source could not deliver: messages the kernel or a daemon dropped, or a restart gap. */
export interface SourceGap {
  readonly source: SourceName;
  /** Number of lines known lost, when the system says how many; undefined when only the fact is known. */
  readonly lost?: number;
  readonly reason: string;
  readonly at: number;
}

export interface SourceOptions {
  /** Also read what the log already holds (default: only new lines). */
  readonly all?: boolean;
  /** Stop at the end of what exists. */
  readonly follow?: boolean;
  readonly signal?: AbortSignal;
  /** Called for each gap the source detects. */
  readonly onGap?: (gap: SourceGap) => void;
}

/** A log source: yields lines until aborted, or until its end when not following. */
export interface LogSource {
  readonly name: SourceName;
  /** Human description for the start-up line, e.g. "journald (journalctl --follow)". */
  readonly description: string;
  lines(options: SourceOptions): AsyncIterable<SourceLine>;
}
