/**
 * One `journalctl --output=json` entry per line. MESSAGE is a string, or an array of byte values
 * when it is not valid UTF-8; a field logged twice becomes an array of strings. Entries from the
 * audit transport carry the record's type and serial in _AUDIT_TYPE / _AUDIT_ID and its time in
 * _SOURCE_REALTIME_TIMESTAMP, with MESSAGE = "TYPENAME body"; they are rebuilt into the kernel's
 * `type=N audit(S.MMM:SERIAL): body` form so one record parser serves every source.
 */
import { TextDecoder } from 'node:util';
import { isoFromMillis } from './time.js';

export interface JournalEntry {
  readonly message: string;
  readonly time?: string;
  readonly host?: string;
  readonly tag?: string;
  readonly pid?: number;
  readonly monotonic?: number;
}

const lenientUtf8 = new TextDecoder('utf-8');

function fieldText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((item) => typeof item === 'number'))
      return lenientUtf8.decode(Uint8Array.from(value as number[]));
    return fieldText(value[0]);
  }
  return undefined;
}

const DIGITS = /^\d{1,20}$/;

function micros(value: unknown): number | undefined {
  const text = fieldText(value);
  return text !== undefined && DIGITS.test(text) ? Number(text) : undefined;
}

function auditForm(entry: Record<string, unknown>, message: string): string {
  if (fieldText(entry._TRANSPORT) !== 'audit') return message;
  const type = fieldText(entry._AUDIT_TYPE);
  const serial = fieldText(entry._AUDIT_ID);
  const sourceMicros = micros(entry._SOURCE_REALTIME_TIMESTAMP);
  const space = message.indexOf(' ');
  if (
    !type ||
    !serial ||
    !DIGITS.test(type) ||
    !DIGITS.test(serial) ||
    sourceMicros === undefined ||
    space < 0
  ) {
    return message;
  }
  const seconds = Math.floor(sourceMicros / 1e6);
  const millis = String(Math.floor((sourceMicros % 1e6) / 1000)).padStart(3, '0');
  return `type=${type} audit(${seconds}.${millis}:${serial}): ${message.slice(space + 1)}`;
}

/** The entry's message and origin; undefined when the line is not a journal JSON object. */
export function parseJournalJson(line: string): JournalEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const entry = parsed as Record<string, unknown>;
  const raw = fieldText(entry.MESSAGE);
  if (raw === undefined) return undefined;
  const realtime = micros(entry.__REALTIME_TIMESTAMP) ?? micros(entry._SOURCE_REALTIME_TIMESTAMP);
  const date = realtime !== undefined ? new Date(Math.floor(realtime / 1000)) : undefined;
  const monotonic = micros(entry.__MONOTONIC_TIMESTAMP);
  const pid = micros(entry._PID);
  return {
    message: auditForm(entry, raw),
    ...(date ? { time: isoFromMillis(date.getTime()) } : {}),
    ...(fieldText(entry._HOSTNAME) !== undefined ? { host: fieldText(entry._HOSTNAME) } : {}),
    ...(fieldText(entry.SYSLOG_IDENTIFIER) !== undefined ? { tag: fieldText(entry.SYSLOG_IDENTIFIER) } : {}),
    ...(pid !== undefined ? { pid } : {}),
    ...(monotonic !== undefined ? { monotonic: monotonic / 1e6 } : {}),
  };
}
