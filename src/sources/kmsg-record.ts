/** One /dev/kmsg record: "PRIORITY,SEQUENCE,MICROSECONDS,FLAGS[,...];MESSAGE" then " KEY=VALUE" lines. */
export interface KmsgRecord {
  /** syslog priority: facility * 8 + level. */
  readonly priority: number;
  readonly sequence: number;
  /** Microseconds since boot. */
  readonly microseconds: number;
  /** "-" for a whole message, "c" for a continuation. */
  readonly flags: string;
  /** The message as the kernel escaped it (\xNN for unprintable bytes). */
  readonly message: string;
  /** The record's first line: what a kmsg source yields. */
  readonly line: string;
}

const HEADER = /^(\d+),(\d+),(\d+),([^,;]*)[^;]*;/;

/** Parses one record as returned by one read() of /dev/kmsg; undefined when it is not one. */
export function parseKmsgRecord(text: string): KmsgRecord | undefined {
  const newline = text.indexOf('\n');
  const line = newline === -1 ? text : text.slice(0, newline);
  const header = HEADER.exec(line);
  if (!header) return undefined;
  return {
    priority: Number(header[1]),
    sequence: Number(header[2]),
    microseconds: Number(header[3]),
    flags: header[4] ?? '',
    message: line.slice(header[0].length),
    line,
  };
}

/** Records the kernel overwrote between two we read (sequence numbers are consecutive). */
export function recordsLostBetween(previous: number | undefined, next: number): number {
  if (previous === undefined) return 0;
  return Math.max(0, next - previous - 1);
}
