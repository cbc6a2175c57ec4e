/**
 * Prefix stripping: what syslog, journald, dmesg, /dev/kmsg and auditd put in front of a record.
 *
 * Forms: `Nov 22 10:00:00 host kernel: ` (BSD syslog and journalctl short, with optional
 * fraction/offset and de/fr/es month names), `2026-11-22T10:00:00.123+00:00 host kernel: `
 * (RFC 3339, journalctl short-iso), `[ 12.345678] ` (dmesg), `[Sun Nov 22 10:00:00 2026] `
 * (dmesg -T), `5,123,456789,-;` (/dev/kmsg), a journal JSON object (see journal-json.ts), and
 * `node=host type=...` (audit.log). Inside the message: the printk `[t]` stamp and rsyslog's
 * `message repeated N times: [ ... ]`.
 */
import { withoutUndefined } from './fields.js';
import { monthNumber } from './months.js';
import { parseJournalJson } from './journal-json.js';
import { civilToDate, fractionToMillis, inferYear, isoFromMillis, offsetMinutes } from './time.js';

export interface Prefix {
  /** ISO 8601 when the year is known (or inferred from `now`); else the year-less text. */
  readonly time?: string;
  /** A year-less syslog stamp's own text, as snappy-debug prints it after `Time:` (`Mar 13 15:17:16`). */
  readonly timeText?: string;
  readonly host?: string;
  /** Syslog tag / journal identifier: `kernel`, `audit`, `dbus-daemon`. */
  readonly tag?: string;
  readonly pid?: number;
  /** Seconds since boot, from a `[t]` stamp or a /dev/kmsg record. */
  readonly monotonic?: number;
  /** The message without any prefix. */
  readonly message: string;
  /** rsyslog `message repeated N times`. */
  readonly repeat?: number;
}

const KMSG = /^(\d{1,3}),(\d{1,20}),(\d{1,20}),[^;]{0,16};/;
const DMESG = /^\[ *(\d{1,12})\.(\d{1,9})\] ?/;
const DMESG_T = /^\[[^\s\d\]]{2,8} ([^\s\d]{3,6}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\] ?/;
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)? /;
const SYSLOG = /^([^\s\d]{3,6}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)? /;
const TAG = /^([^\s:[\]]{1,64})(?:\[(\d{1,10})\])?: ?/;
const REPEATED = /^message repeated (\d{1,9}) times: \[ ?/;
const AUDIT_NODE = /^node=(\S{1,255}) (?=type=)/;

interface Stamp {
  readonly time?: string;
  readonly timeText?: string;
  readonly monotonic?: number;
  /** dmesg and kmsg stamps: no host or tag follows. */
  readonly bare?: boolean;
  readonly length: number;
}

function stampFromDate(date: Date | undefined, length: number, extra: Partial<Stamp> = {}): Stamp {
  if (!date) return { length, ...extra };
  return { time: isoFromMillis(date.getTime()), length, ...extra };
}

function readStamp(line: string, now: Date | undefined): Stamp | undefined {
  const first = line.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) {
    const kmsg = KMSG.exec(line);
    if (kmsg) return { monotonic: Number(kmsg[3]) / 1e6, bare: true, length: kmsg[0].length };
    const m = RFC3339.exec(line);
    if (!m) return undefined;
    const date = civilToDate({
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6]),
      millis: fractionToMillis(m[7]),
      offset: offsetMinutes(m[8]),
    });
    return stampFromDate(date, m[0].length);
  }
  if (first === 0x5b /* [ */) {
    const dmesg = DMESG.exec(line);
    if (dmesg) return { monotonic: Number(`${dmesg[1]}.${dmesg[2]}`), bare: true, length: dmesg[0].length };
    const m = DMESG_T.exec(line);
    const month = m ? monthNumber(m[1]!) : undefined;
    if (!m || month === undefined) return undefined;
    const date = civilToDate({
      year: Number(m[6]),
      month,
      day: Number(m[2]),
      hour: Number(m[3]),
      minute: Number(m[4]),
      second: Number(m[5]),
      millis: 0,
    });
    return stampFromDate(date, m[0].length, { bare: true });
  }
  const m = SYSLOG.exec(line);
  const month = m ? monthNumber(m[1]!) : undefined;
  if (!m || month === undefined) return undefined;
  const [, word, dayText, hh, mm, ss, fraction, offset] = m;
  const day = Number(dayText);
  const spacedDay = line.charCodeAt(word!.length + 1) === 0x20 ? ` ${dayText}` : dayText;
  const timeText = `${word} ${spacedDay} ${hh}:${mm}:${ss}`;
  if (!now) return { time: timeText, timeText, length: m[0].length };
  const date = civilToDate({
    year: inferYear(month, day, now),
    month,
    day,
    hour: Number(hh),
    minute: Number(mm),
    second: Number(ss),
    millis: fractionToMillis(fraction),
    offset: offsetMinutes(offset),
  });
  return { time: date ? isoFromMillis(date.getTime()) : timeText, timeText, length: m[0].length };
}

interface Origin {
  readonly host?: string;
  readonly tag?: string;
  readonly pid?: number;
  readonly length: number;
}

function tagAt(text: string, offset: number, host?: string): Origin | undefined {
  const tag = TAG.exec(offset === 0 ? text : text.slice(offset));
  if (!tag) return undefined;
  const pid = tag[2] ? Number(tag[2]) : undefined;
  return { host, tag: tag[1], pid, length: offset + tag[0].length };
}

/** Host and tag after a syslog stamp: `host kernel: `, `host audit[12]: `, or just `kern.notice: `. */
function readOrigin(rest: string): Origin {
  const tagOnly = tagAt(rest, 0);
  if (tagOnly) return tagOnly;
  const space = rest.indexOf(' ');
  if (space <= 0 || space > 255) return { length: 0 };
  const host = rest.slice(0, space);
  return tagAt(rest, space + 1, host) ?? { host, length: space + 1 };
}

interface Unwrapped {
  message: string;
  monotonic?: number;
  repeat?: number;
}

/** Strips the printk `[t]` stamp and rsyslog's repeat wrapper from a message. */
function unwrapMessage(message: string): Unwrapped {
  let text = message;
  let repeat: number | undefined;
  const repeated = REPEATED.exec(text);
  if (repeated) {
    repeat = Number(repeated[1]);
    text = text.slice(repeated[0].length);
    if (text.endsWith(']')) text = text.slice(0, -1);
  }
  const dmesg = DMESG.exec(text);
  const out: Unwrapped = { message: dmesg ? text.slice(dmesg[0].length) : text };
  if (dmesg) out.monotonic = Number(`${dmesg[1]}.${dmesg[2]}`);
  if (repeat !== undefined) out.repeat = repeat;
  return out;
}

/** Splits a log line into its prefix fields and the message. Never throws. */
export function stripPrefix(line: string, now?: Date): Prefix {
  if (line.charCodeAt(0) === 0x7b /* { */) {
    const journal = parseJournalJson(line);
    if (journal) {
      const inner = unwrapMessage(journal.message);
      return withoutUndefined({ ...journal, ...inner, monotonic: inner.monotonic ?? journal.monotonic });
    }
  }
  const node = AUDIT_NODE.exec(line);
  if (node) return { host: node[1], message: line.slice(node[0].length) };

  const stamp = readStamp(line, now);
  if (!stamp) return unwrapMessage(line);
  const rest = line.slice(stamp.length);
  const origin: Origin = stamp.bare ? { length: 0 } : readOrigin(rest);
  const inner = unwrapMessage(rest.slice(origin.length));
  // Member by member, only those with a value, in this order (as the callers' records expect).
  const prefix: { -readonly [K in keyof Prefix]: Prefix[K] } = {} as Prefix;
  if (stamp.time !== undefined) prefix.time = stamp.time;
  if (stamp.timeText !== undefined) prefix.timeText = stamp.timeText;
  if (origin.host !== undefined) prefix.host = origin.host;
  if (origin.tag !== undefined) prefix.tag = origin.tag;
  if (origin.pid !== undefined) prefix.pid = origin.pid;
  prefix.message = inner.message;
  if (inner.repeat !== undefined) prefix.repeat = inner.repeat;
  const monotonic = inner.monotonic ?? stamp.monotonic;
  if (monotonic !== undefined) prefix.monotonic = monotonic;
  return prefix;
}
