/**
 * One `journalctl --output=json` entry per line. MESSAGE is a string, or an array of byte values
 * when it is not valid UTF-8; a field logged twice becomes an array of strings. Entries from the
 * audit transport carry the record's type and serial in _AUDIT_TYPE / _AUDIT_ID and its time in
 * _SOURCE_REALTIME_TIMESTAMP, with MESSAGE = "TYPENAME body"; they are rebuilt into the kernel's
 * `type=N audit(S.MMM:SERIAL): body` form so one record parser serves every source.
 */
import { TextDecoder } from 'node:util';
import { flatStringMembers } from './flat-json.js';
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

function auditForm(fields: Fields, message: string): string {
  if (fieldText(fields.get('_TRANSPORT')) !== 'audit') return message;
  const type = fieldText(fields.get('_AUDIT_TYPE'));
  const serial = fieldText(fields.get('_AUDIT_ID'));
  const sourceMicros = micros(fields.get('_SOURCE_REALTIME_TIMESTAMP'));
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

/** The members read here: a journal line is decoded for these only. */
const READ_FIELDS: ReadonlySet<string> = new Set([
  'MESSAGE',
  '__REALTIME_TIMESTAMP',
  '__MONOTONIC_TIMESTAMP',
  '_SOURCE_REALTIME_TIMESTAMP',
  '_PID',
  '_HOSTNAME',
  'SYSLOG_IDENTIFIER',
  '_TRANSPORT',
  '_AUDIT_TYPE',
  '_AUDIT_ID',
]);

type Fields = Pick<Map<string, unknown>, 'get'>;

/** A JSON object's members read through the same `get` as flatStringMembers' map. */
function objectFields(line: string): Fields | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const entry = parsed as Record<string, unknown>;
  return { get: (name) => (Object.hasOwn(entry, name) ? entry[name] : undefined) };
}

/** The entry's message and origin; undefined when the line is not a journal JSON object. */
export function parseJournalJson(line: string): JournalEntry | undefined {
  // journalctl's usual all-string line is read without building the whole object.
  const fields = flatStringMembers(line, READ_FIELDS) ?? objectFields(line);
  if (!fields) return undefined;
  const raw = fieldText(fields.get('MESSAGE'));
  if (raw === undefined) return undefined;
  const realtime =
    micros(fields.get('__REALTIME_TIMESTAMP')) ?? micros(fields.get('_SOURCE_REALTIME_TIMESTAMP'));
  const monotonic = micros(fields.get('__MONOTONIC_TIMESTAMP'));
  const pid = micros(fields.get('_PID'));
  const host = fieldText(fields.get('_HOSTNAME'));
  const tag = fieldText(fields.get('SYSLOG_IDENTIFIER'));
  const entry: { -readonly [K in keyof JournalEntry]: JournalEntry[K] } = { message: auditForm(fields, raw) };
  if (realtime !== undefined) entry.time = isoFromMillis(Math.floor(realtime / 1000));
  if (host !== undefined) entry.host = host;
  if (tag !== undefined) entry.tag = tag;
  if (pid !== undefined) entry.pid = pid;
  if (monotonic !== undefined) entry.monotonic = monotonic / 1e6;
  return entry;
}
