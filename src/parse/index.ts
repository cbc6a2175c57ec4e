/**
 * The log-line parser: any line from syslog, journald, dmesg, /dev/kmsg, audit.log or our launcher
 * in, a Denial (or the reason there is none) out. Pure: strings in, values out.
 */
import type { Denial, SourceName } from '../model/denial.js';
import { buildAppArmor, type BuildResult, type RecordBase } from './apparmor.js';
import { BuildCache } from './build-cache.js';
import { buildCgroup } from './cgroup.js';
import { stripPrefix } from './prefix.js';
import { basisOfParsed, LineCache, type RepeatParts } from './line-cache.js';
import { findRecord, type Envelope } from './record.js';
import { buildSeccomp } from './seccomp.js';
import { isoFromMillis } from './time.js';
import { tokenize, type Tokens } from './tokenize.js';

export type ParseResult =
  | { readonly kind: 'denial'; readonly denial: Denial }
  | { readonly kind: 'other' }
  | { readonly kind: 'unparsed'; readonly reason: string };

const OTHER: ParseResult = Object.freeze({ kind: 'other' });

/** `"MESSAGE" : [` — a journal JSON entry whose message is bytes, so its text cannot be searched. */
function hasByteArrayMessage(line: string): boolean {
  const at = line.indexOf('"MESSAGE"');
  if (at < 0) return false;
  for (let i = at + 9; i < line.length && i < at + 16; i++) {
    const code = line.charCodeAt(i);
    if (code === 0x5b /* [ */) return true;
    if (code !== 0x20 && code !== 0x3a /* : */) return false;
  }
  return false;
}

/** Substrings one of which every AppArmor, seccomp or device-cgroup record holds. */
const RECORD_MARKER_LIST = [
  'apparmor=',
  'type=1326',
  'SECCOMP',
  'DEVICE_CGROUP',
  'type=150',
  'APPARMOR_',
  'UNKNOWN[15',
] as const;
const RECORD_MARKERS = new RegExp(RECORD_MARKER_LIST.map((m) => m.replace(/[[\]]/g, '\\$&')).join('|'));

/**
 * Substrings at least one of which every line that looksLikeDenial() accepts contains (a
 * superset: `type=1` stands for type=1326 and type=150x; `"MESSAGE"` for journal JSON entries),
 * so a reader may skip, without decoding, every line that holds none of them.
 */
export const DENIAL_MARKERS: readonly string[] = [
  'apparmor=',
  'type=1',
  'SECCOMP',
  'DEVICE_CGROUP',
  'APPARMOR_',
  'UNKNOWN[15',
  '"MESSAGE"',
];

/**
 * Fast pre-filter: false means the line certainly holds no AppArmor, seccomp or device-cgroup
 * record. Every such record has a key=value, so lines without `=` (most syslog noise) cost one
 * character search; the rest one pass of a literal alternation. No tokenizing.
 */
export function looksLikeDenial(line: string): boolean {
  if (line.charCodeAt(0) === 0x7b /* { */ && hasByteArrayMessage(line)) return true;
  return line.includes('=') && RECORD_MARKERS.test(line);
}

const BUILDERS: Readonly<Record<Envelope['family'], (base: RecordBase, tokens: Tokens) => BuildResult>> = {
  apparmor: buildAppArmor,
  seccomp: buildSeccomp,
  cgroup: buildCgroup,
};

/** The record text snappy-debug shows after `Log:`; auditd's enrichment after 0x1d is not part of it. */
function logText(body: string): string {
  const enrichment = body.indexOf('\x1d');
  return (enrichment < 0 ? body : body.slice(0, enrichment)).trimEnd();
}

const REASON_LIMIT = 200;

/** A reason quotes logged text: keep it one short line whatever the line held (CRs, NULs, 64 KiB values). */
function oneLineReason(reason: string): string {
  let visible = '';
  let i = 0;
  for (; i < reason.length && visible.length < REASON_LIMIT; i++) {
    const code = reason.charCodeAt(i);
    visible += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : reason[i];
  }
  return i < reason.length ? `${visible}...` : visible;
}

/** Repeated record bodies are built once (see build-cache.ts); parseLineUncached bypasses it. */
const buildCache = new BuildCache();
/** Repeated kernel lines are parsed once (see line-cache.ts); only with the build cache. */
const lineCache = new LineCache();

function parseCandidate(
  line: string,
  source: SourceName | undefined,
  now: Date | undefined,
  cache: BuildCache | undefined,
): ParseResult {
  const prefix = stripPrefix(line, now);
  const envelope = findRecord(prefix.message);
  if (envelope === undefined) return OTHER;
  if ('problem' in envelope) return { kind: 'unparsed', reason: oneLineReason(envelope.problem) };

  const stamp = envelope.auditStamp;
  const time = stamp ? isoFromMillis(stamp.seconds * 1000 + stamp.millis) : prefix.time;
  const base: { -readonly [K in keyof RecordBase]: RecordBase[K] } = {
    raw: line,
    log: logText(envelope.body),
  };
  if (source !== undefined) base.source = source;
  if (time !== undefined) base.time = time;
  if (prefix.timeText !== undefined) base.timeText = prefix.timeText;
  if (stamp) base.auditStamp = stamp;
  if (envelope.auditType !== undefined) base.auditType = envelope.auditType;
  if (prefix.repeat !== undefined) base.repeat = prefix.repeat;
  const builder = BUILDERS[envelope.family];
  const built = cache
    ? cache.build(envelope.family, builder, base, envelope.body, tokenize)
    : builder(base, tokenize(envelope.body));
  if (built === undefined) return OTHER;
  if ('problem' in built) return { kind: 'unparsed', reason: oneLineReason(built.problem) };
  return { kind: 'denial', denial: built.denial };
}

/**
 * Turns one log line into a denial. Never throws: lines that are not denials give `other`, lines
 * that look like one but cannot be read give `unparsed` with a one-line reason.
 * `now` lets year-less syslog stamps become ISO times (the year is inferred from it).
 */
export function parseLine(line: string, source?: SourceName, now?: Date): ParseResult {
  return parseWith(buildCache, line, source, now);
}

/**
 * parseLine, and the line's parts when every line of its key is made from its denial with their
 * own parts (as LineCache.lastBasis once the key is learnt). For the first line of a key the
 * native scan keys (scan/repeat-lane.ts): the key's later lines are made from its template, never
 * parsed, so neither cache is asked or taught (the build cache remembers a body on its second
 * sight, the line cache keeps a copy for repeats to come): the line is built as parseLineUncached
 * builds it, and its parts are read and checked without being keyed.
 */
export function parseLineWithBasis(
  line: string,
  source: SourceName,
): { readonly result: ParseResult; readonly basis: RepeatParts | undefined } {
  const result = parseChecked(undefined, line, source, undefined);
  const basis = result.kind === 'denial' ? basisOfParsed(line, source, result.denial) : undefined;
  return { result, basis };
}

/** Tells the line cache of `lines` repeats handled without parseLine (see LineCache.credit). */
export function creditRepeats(lines: number): void {
  lineCache.credit(lines);
}

/** parseLine building every record afresh: the reference the cache is tested against. */
export function parseLineUncached(line: string, source?: SourceName, now?: Date): ParseResult {
  return parseWith(undefined, line, source, now);
}

function parseWith(
  cache: BuildCache | undefined,
  line: string,
  source: SourceName | undefined,
  now: Date | undefined,
): ParseResult {
  if (cache !== undefined && now === undefined) {
    return lineCache.parse(line, source, () => parseChecked(cache, line, source, now));
  }
  return parseChecked(cache, line, source, now);
}

function parseChecked(
  cache: BuildCache | undefined,
  line: string,
  source: SourceName | undefined,
  now: Date | undefined,
): ParseResult {
  if (!looksLikeDenial(line)) return OTHER;
  try {
    return parseCandidate(line, source, now, cache);
  } catch (error) {
    return {
      kind: 'unparsed',
      reason: oneLineReason(`parser failure: ${error instanceof Error ? error.message : String(error)}`),
    };
  }
}

export { stripPrefix, type Prefix } from './prefix.js';
export { tokenize, type AuditFields, type Tokens } from './tokenize.js';
export { decodeHex, encodeAuditValue } from './hex.js';
export { formatCgroupDenialLine, CGROUP_TAG, CGROUP_AUDIT_TYPE, type CgroupDenialLine } from './cgroup.js';
export { decodeSeccompCode } from './seccomp.js';
export { protocolName, protocolNumber } from './protocols.js';
