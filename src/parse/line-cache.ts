/**
 * Whole kernel lines of a flood: `Nov 22 10:02:30 host kernel: [ 1.5] audit: type=1400
 * audit(1763805601.150:4001): BODY` logged again and again differ only in their stamps (syslog,
 * printk, audit) and the body's pid= (and a seccomp record's ip=). A line of exactly that form is
 * keyed by everything else; the first line of a key is parsed in full and kept, and every later
 * one is that denial with its own stamps, raw and log text, pid, ip and fields put in: no prefix
 * regexes, no envelope search, no tokenizing. Lines of any other form, and keys whose first
 * denial does not come back exactly from its own values (see `reproduces`), are parsed in full.
 */
import type { Denial, SourceName } from '../model/denial.js';
import { maskedBody, markRepeat, type PerProcess } from './build-cache.js';
import { CacheSkip } from './cache-skip.js';
import type { ParseResult } from './index.js';
import { familyOfType } from './record.js';
import { copierFor, type Copier, type Replaceable } from './record-copy.js';
import { isoFromMillis } from './time.js';

/**
 * The one envelope taken: a BSD syslog stamp without fraction or offset, host, `kernel: `, an
 * optional printk stamp, `audit: type=NNNN audit(S.MMM:N): `. Group 2 and 4 stay in the key, the
 * digits of the stamps (1, 3, 5, 6, 7) are the line's own.
 */
const KERNEL_AUDIT_LINE =
  /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S{1,255}) kernel: (\[ *\d{1,12}\.\d{1,9}\] )?audit: type=(\d{4}) audit\((\d{1,12})\.(\d{3}):(\d{1,20})\): ?/;

/** Keys learnt on first sight before their hits decide (see LineCache.eager). */
const EAGER_TRIAL = 256;

/** Longer lines are parsed in full (the build cache does not remember such bodies either). */
const MAX_LINE = 4096;

/** What a key is known as: the first denial (a private copy), or lines that are always parsed. */
interface Entry {
  readonly denial: Denial | undefined;
  /** The identity every denial made from this entry is marked with (see markRepeat). */
  readonly identity: object;
  /** The per-process values the key masks (as the first line held them). */
  readonly own?: PerProcess;
  /**
   * Copiers for the denial's and its fields' member lists, made on the key's first hit (a key
   * never hit needs none); null when they cannot be made or do not copy as a spread does.
   */
  copiers?: Copiers | null;
}

interface Copiers {
  readonly copy?: Copier;
  readonly copyFields?: Copier;
}

const ENVELOPE_MEMBERS: readonly Replaceable[] = ['raw', 'log', 'time', 'timeText', 'auditStamp'];

/** The parts of a line its denial takes from the line itself. */
interface OwnParts {
  readonly key: string;
  readonly timeText: string;
  readonly seconds: number;
  readonly millis: number;
  readonly serial: number;
  readonly body: string;
  readonly own: PerProcess | undefined;
}

const ALWAYS_PARSED: Entry = Object.freeze({ denial: undefined, identity: {} });
// Once keys stop coming back (see LineCache.eager), a key seen once is only marked, as in the
// build cache: a log whose lines never repeat would pay for checking and keeping every one.
const SEEN_ONCE: Entry = Object.freeze({ denial: undefined, identity: {} });

/** The line's own parts; `keyed`: with its key (else '': for a line whose key is not looked up). */
function ownParts(line: string, source: SourceName | undefined, keyed = true): OwnParts | undefined {
  if (line.length > MAX_LINE) return undefined;
  const m = KERNEL_AUDIT_LINE.exec(line);
  if (m === null) return undefined;
  const type = m[4]!;
  const family = familyOfType(Number(type));
  if (family === undefined) return undefined;
  // The parser trims the body's leading blanks.
  const body = line.slice(m[0].length).trimStart();
  const cut = maskedBody(family, body);
  // The printk stamp's presence and width change no member: only its digits are the line's own.
  // The month's name decides whether the stamp is one (the day's and time's digits do not).
  // The host may hold NULs: its length keeps it from running into the parts after it.
  const host = m[2]!;
  const key = !keyed
    ? ''
    : `${source ?? ''}\u0000${line.slice(0, 3)}\u0000${host.length}:${host}\u0000${m[3] === undefined ? '' : 't'}\u0000${type}\u0000${cut === undefined ? `-\u0000${body}` : `${cut.mark}\u0000${cut.rest}`}`;
  return {
    key,
    timeText: m[1]!,
    seconds: Number(m[5]),
    millis: Number(m[6]),
    serial: Number(m[7]),
    body,
    own: cut?.own,
  };
}

/** The record text after `Log:` (as the parser's logText). */
function logText(body: string): string {
  const enrichment = body.indexOf('\x1d');
  return (enrichment < 0 ? body : body.slice(0, enrichment)).trimEnd();
}

/** `first` with `line`'s own parts: the member order, and every other value, stay first's. */
function withOwnParts(first: Denial, line: string, parts: OwnParts, entry?: Copiers): Denial {
  const own = parts.own;
  const log = logText(parts.body);
  const time = isoFromMillis(parts.seconds * 1000 + parts.millis);
  const auditStamp = { seconds: parts.seconds, millis: parts.millis, serial: parts.serial };
  let fields = first.fields;
  if (own !== undefined) {
    fields =
      entry?.copyFields !== undefined
        ? (entry.copyFields(fields!, 0, 0, 0, 0, 0, own.pid, own.ip, 0) as Denial['fields'])
        : fieldsWith(fields!, own);
  }
  const pid = own?.pid !== undefined ? Number(own.pid) : first.pid;
  const ip = own?.ip !== undefined ? own.ip : first.ip;
  if (entry?.copy !== undefined) {
    return entry.copy(
      first,
      line,
      log,
      time,
      parts.timeText,
      auditStamp,
      pid,
      ip,
      fields,
    ) as unknown as Denial;
  }
  const denial = { ...first } as { -readonly [K in keyof Denial]: Denial[K] };
  denial.raw = line;
  denial.log = log;
  denial.time = time;
  denial.timeText = parts.timeText;
  denial.auditStamp = auditStamp;
  if (own?.pid !== undefined) denial.pid = pid;
  if (own?.ip !== undefined) denial.ip = ip;
  if (own !== undefined) denial.fields = fields;
  return denial;
}

/** A copy of `fields` (its prototype too: the tokenizer's) with this line's pid and ip. */
function fieldsWith(
  fields: Readonly<Record<string, string>>,
  own: PerProcess,
): Readonly<Record<string, string>> {
  const copy: Record<string, string> = Object.assign(
    Object.create(Object.getPrototypeOf(fields) as object | null) as Record<string, string>,
    fields,
  );
  if (own.pid !== undefined) copy.pid = own.pid;
  if (own.ip !== undefined) copy.ip = own.ip;
  return copy;
}

/** The entry for a key whose first denial reproduces (its copiers come with its first hit). */
function entryFor(denial: Denial, own: PerProcess | undefined): Entry {
  // A copy: the caller may add members (enrichment) to the denial it is handed.
  return { denial: { ...denial }, identity: {}, ...(own !== undefined ? { own } : {}) };
}

/**
 * Copiers for `entry`'s member lists, when they give `line` what the spread copy gives it (the
 * spread copy is what `reproduces` checked); else null.
 */
function copiersFor(entry: Entry, line: string, parts: OwnParts): Copiers | null {
  const denial = entry.denial!;
  const own = entry.own;
  const replaced = new Set<Replaceable>(ENVELOPE_MEMBERS);
  const fieldsReplaced = new Set<Replaceable>();
  if (own?.pid !== undefined) {
    replaced.add('pid');
    fieldsReplaced.add('pid');
  }
  if (own?.ip !== undefined) {
    replaced.add('ip');
    fieldsReplaced.add('ip');
  }
  if (own !== undefined) replaced.add('fields');
  const copy = copierFor(denial, replaced);
  const copyFields = own !== undefined ? copierFor(denial.fields!, fieldsReplaced) : undefined;
  if (copy === undefined && copyFields === undefined) return null;
  const copiers: Copiers = { ...(copy ? { copy } : {}), ...(copyFields ? { copyFields } : {}) };
  return sameRecord(withOwnParts(denial, line, parts, copiers), withOwnParts(denial, line, parts))
    ? copiers
    : null;
}

/** Equal prototypes, members and values, in the same order (member objects compared the same way). */
function sameRecord(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (let i = 0; i < aKeys.length; i++) {
    const key = aKeys[i]!;
    if (key !== bKeys[i]) return false;
    if (!sameRecord((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * Whether the denial kept for a key is what its own line's parts give: its stamps, texts, pid
 * and ip are where and what this cache takes them to be (else its key's lines are parsed in full).
 * That is: the copy withOwnParts makes of it for its own line is the same record (sameRecord). The
 * members that copy replaces are checked one by one, without making it: its values are never
 * undefined, so each equal value is also a member the denial already has, at its own place; the
 * fields copy equals the fields once their pid and ip are the line's.
 */
function reproduces(denial: Denial, line: string, parts: OwnParts): boolean {
  if (!reproducesOwnValues(denial, parts)) return false;
  const stamp = denial.auditStamp;
  return (
    denial.raw === line &&
    denial.timeText === parts.timeText &&
    denial.log === logText(parts.body) &&
    denial.time === isoFromMillis(parts.seconds * 1000 + parts.millis) &&
    typeof stamp === 'object' &&
    stamp !== null &&
    Object.getPrototypeOf(stamp) === Object.prototype &&
    stamp.seconds === parts.seconds &&
    stamp.millis === parts.millis &&
    stamp.serial === parts.serial &&
    sameMembers(stamp, STAMP_MEMBERS)
  );
}

const STAMP_MEMBERS: readonly string[] = ['seconds', 'millis', 'serial'];

function sameMembers(value: object, names: readonly string[]): boolean {
  const keys = Object.keys(value);
  if (keys.length !== names.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== names[i]) return false;
  return true;
}

/** The checks both ways of telling share: the record's kind of envelope, and its pid and ip. */
function reproducesOwnValues(denial: Denial, parts: OwnParts): boolean {
  if (denial.repeat !== undefined || typeof denial.auditType !== 'number') return false;
  const own = parts.own;
  if (own !== undefined) {
    const fields = denial.fields;
    if (fields === undefined) return false;
    if (own.pid !== undefined && (fields.pid !== own.pid || denial.pid !== Number(own.pid))) return false;
    if (own.ip !== undefined && (fields.ip !== own.ip || denial.ip !== own.ip)) return false;
  }
  return true;
}

/** reproduces() by making the copy and comparing: the reference the test holds it to. */
function reproducesByCopy(denial: Denial, line: string, parts: OwnParts): boolean {
  return reproducesOwnValues(denial, parts) && sameRecord(withOwnParts(denial, line, parts), denial);
}

/**
 * Both ways of telling whether a key's denial reproduces from `line` (undefined when the line
 * cache takes no such line), for the test that holds the quick one to the copy.
 */
export function reproduceChecks(
  denial: Denial,
  line: string,
  source: SourceName | undefined,
): { readonly direct: boolean; readonly byCopy: boolean } | undefined {
  const parts = ownParts(line, source);
  if (parts === undefined) return undefined;
  return {
    direct: reproduces(denial, line, parts),
    byCopy: reproducesByCopy(denial, line, parts),
  };
}

/** Bounded like the build cache: forgotten all at once when full, skipped a while when useless. */
export class LineCache {
  private readonly entries = new Map<string, Entry>();
  private hits = 0;
  /** Keys learnt since the entries were last forgotten. */
  private learnt = 0;
  private readonly skip: CacheSkip;
  /**
   * After parse(): the line's parts when its key is held with a denial every line of the key is
   * made from (the line's own denial is that one with these parts), else undefined.
   */
  lastBasis: RepeatParts | undefined;

  constructor(private readonly capacity = 2048) {
    this.skip = new CacheSkip(capacity);
  }

  /**
   * Whether a key is learnt on its first line: while keys come back (a flood: one full parse per
   * key instead of two, each slow while the parser is still cold), not once most did not.
   */
  private get eager(): boolean {
    return this.learnt < EAGER_TRIAL || this.hits >= this.learnt * 4;
  }

  /**
   * What `fresh()` (a full parse of `line` from `source`) gives: for a known key, its first
   * denial with this line's own parts (a new object); otherwise `fresh()`, learning the key.
   */
  parse(line: string, source: SourceName | undefined, fresh: () => ParseResult): ParseResult {
    this.lastBasis = undefined;
    if (this.skip.skip()) return fresh();
    const parts = ownParts(line, source);
    if (parts === undefined) return fresh();
    const known = this.entries.get(parts.key);
    if (known !== undefined && known !== SEEN_ONCE) {
      if (known.denial === undefined) return fresh();
      this.hits++;
      if (known.copiers === undefined) known.copiers = copiersFor(known, line, parts);
      const denial = withOwnParts(known.denial, line, parts, known.copiers ?? undefined);
      markRepeat(denial, known.identity);
      this.lastBasis = basisOf(parts);
      return { kind: 'denial', denial };
    }
    const result = fresh();
    if (this.entries.size >= this.capacity) this.forget();
    if (known === undefined && !this.eager) {
      this.entries.set(parts.key, SEEN_ONCE);
      return result;
    }
    this.learnt++;
    const entry = result.kind === 'denial' ? entryFor(result.denial, parts.own) : undefined;
    const reproducing = entry !== undefined && reproduces(entry.denial!, line, parts);
    this.entries.set(parts.key, reproducing ? entry : ALWAYS_PARSED);
    if (reproducing) this.lastBasis = basisOf(parts);
    return result;
  }

  /**
   * Counts `lines` repeats of known keys that were taken care of without parse() (see
   * scan/repeat-lane.ts) as hits: they keep keys learnt on first sight as hits do.
   */
  credit(lines: number): void {
    this.hits += lines;
  }

  /** As BuildCache.forget: a stretch of lines skips the cache when it hardly ever hit. */
  private forget(): void {
    this.entries.clear();
    this.skip.filled(this.hits);
    this.hits = 0;
    this.learnt = 0;
  }
}

/** What a line's own parts are, as a repeat of its key takes them (see repeatBasis). */
export interface RepeatParts {
  /** seconds * 1000 + millis of the audit stamp. */
  readonly millis: number;
  /** The pid= value its key masks, as a number; undefined when the key keeps pid= in. */
  readonly pid: number | undefined;
}

/**
 * What LineCache.parse leaves in lastBasis once it has learnt the key of `line`, whose full parse
 * is `denial`: the line's parts when the denial is what they make of it, else undefined. Without
 * keying the line or keeping anything: for a line whose later repeats are never parsed.
 */
export function basisOfParsed(line: string, source: SourceName, denial: Denial): RepeatParts | undefined {
  const parts = ownParts(line, source, false);
  return parts !== undefined && reproduces(denial, line, parts) ? basisOf(parts) : undefined;
}

function basisOf(parts: OwnParts): RepeatParts {
  const pid = parts.own?.pid;
  return { millis: parts.seconds * 1000 + parts.millis, pid: pid === undefined ? undefined : Number(pid) };
}

/**
 * The key this cache files `line` under, with its instant and masked pid (as repeatBasis gives
 * them), or undefined when it takes such a line apart in full: what the native scan's keys must
 * agree with (native/scan/repeat-key.cc).
 */
export function lineKeyOf(
  line: string,
  source: SourceName | undefined,
): { readonly key: string; readonly basis: RepeatParts } | undefined {
  const parts = ownParts(line, source);
  return parts && { key: parts.key, basis: basisOf(parts) };
}
