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
  /**
   * Keep waiting for new lines (default true for journald, syslog, kmsg and audit; false for
   * --file). When false, stop at the end of what exists.
   */
  readonly follow?: boolean;
  readonly signal?: AbortSignal;
  /** Called for each gap the source detects. */
  readonly onGap?: (gap: SourceGap) => void;
  /**
   * Called with one line about the source worth telling the user that is not a loss, e.g. "PATH
   * is gone (rotated, or its writer stopped); waiting for it to come back". Optional.
   */
  readonly onNotice?: (message: string) => void;
  /**
   * Called once when the source is positioned (file opened, journal cursor taken, ring buffer
   * skipped): every line logged after this call will be delivered. Optional; tests use it to
   * produce denials only when the source is sure to see them.
   */
  readonly onReady?: () => void;
}

/** A log source: yields lines until aborted, or until its end when not following. */
export interface LogSource {
  readonly name: SourceName;
  /** Human description for the start-up line, e.g. "journald (journalctl --follow)". */
  readonly description: string;
  lines(options: SourceOptions): AsyncIterable<SourceLine>;
}

/** A source that can also hand over its lines a read at a time (one await per batch, not per line). */
export interface BatchedLogSource extends LogSource {
  lineBatches(options: SourceOptions): AsyncIterable<readonly SourceLine[]>;
}
