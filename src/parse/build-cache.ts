/**
 * Floods repeat: one process denied the same way thousands of times a second logs records that
 * differ only in their envelope (audit stamp, journal fields, the line itself). A record builder's
 * result depends on the record body's tokens and the audit type alone; the envelope's part (the
 * RecordBase) is copied in unchanged. So the built part is remembered by (family, type, body) and
 * joined with each line's own base, in the same member order a fresh build gives.
 */
import type { Denial } from '../model/denial.js';
import type { BuildResult, RecordBase } from './apparmor.js';
import { CacheSkip } from './cache-skip.js';
import type { RecordFamily } from './record.js';
import type { Tokens } from './tokenize.js';

export type Builder = (base: RecordBase, tokens: Tokens) => BuildResult;

/** The members a builder copies from RecordBase: never part of what is remembered. */
const BASE_MEMBERS: ReadonlySet<string> = new Set<keyof RecordBase>([
  'raw',
  'log',
  'source',
  'time',
  'timeText',
  'auditStamp',
  'auditType',
  'repeat',
]);

/** A built denial without its base: `kind` comes first in a denial, then the base, then these. */
interface BuiltPart {
  readonly kind: Denial['kind'];
  readonly rest: Readonly<Record<string, unknown>>;
  /** The per-process values (as logged) the remembered build was made with, when its key masks them. */
  readonly pid?: string;
  readonly ip?: string;
}

/**
 * Values that change with every process but not with what was denied: pid= (and for seccomp the
 * instruction pointer ip=, which address-space randomisation moves per process). A body is keyed
 * with them masked, so a denial repeated by many processes is built once.
 */
export interface PerProcess {
  readonly pid?: string;
  readonly ip?: string;
}

type Remembered = BuiltPart | Exclude<BuildResult, { readonly denial: Denial }>;

function builtPartOf(denial: Denial, own: PerProcess | undefined): BuiltPart {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(denial)) {
    if (key !== 'kind' && !BASE_MEMBERS.has(key)) rest[key] = value;
  }
  return own === undefined ? { kind: denial.kind, rest } : { kind: denial.kind, rest, ...own };
}

/**
 * Where `name`'s value lies in `body`, when `name` occurs exactly once, at the start or after a
 * space, with a value of up to `longest` digits (or, with `hex`, hex digits and x) ending the body or
 * followed by a space. Anything else (twice logged, inside a quoted value, odd text) is not masked.
 */
function valueSpan(
  body: string,
  name: string,
  longest: number,
  hex: boolean,
): { readonly start: number; readonly end: number } | undefined {
  const at = body.indexOf(name);
  if (at < 0 || body.indexOf(name, at + 1) >= 0) return undefined;
  if (at > 0 && body.charCodeAt(at - 1) !== 0x20) return undefined;
  const start = at + name.length;
  let end = start;
  while (end < body.length && end - start <= longest) {
    const code = body.charCodeAt(end);
    const digit = code >= 0x30 && code <= 0x39;
    if (
      !digit &&
      !(hex && ((code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46) || code === 0x78))
    )
      break;
    end++;
  }
  if (end === start || end - start > longest) return undefined;
  if (end < body.length && body.charCodeAt(end) !== 0x20) return undefined;
  return { start, end };
}

/**
 * The body with its per-process values cut out, and those values. The mark says which were cut:
 * with it, and the single place each was cut from, two bodies share a key only when they differ
 * in nothing but those values.
 */
function masked(
  family: RecordFamily,
  body: string,
): { readonly mark: string; readonly rest: string; readonly own: PerProcess } | undefined {
  const pid = valueSpan(body, 'pid=', 9, false);
  let ip = family === 'seccomp' ? valueSpan(body, 'ip=', 18, true) : undefined;
  if (ip !== undefined && !body.startsWith('0x', ip.start)) ip = undefined;
  if (pid === undefined && ip === undefined) return undefined;
  const spans = pid && ip ? (pid.start < ip.start ? [pid, ip] : [ip, pid]) : [(pid ?? ip)!];
  let rest = '';
  let from = 0;
  for (const { start, end } of spans) {
    rest += body.slice(from, start);
    from = end;
  }
  rest += body.slice(from);
  return {
    mark: `${pid ? 'p' : ''}${ip ? 'i' : ''}`,
    rest,
    own: { pid: pid && body.slice(pid.start, pid.end), ip: ip && body.slice(ip.start, ip.end) },
  };
}

/** Whether a fresh build holds exactly these per-process values where the masked key assumes them. */
function holdsOwn(denial: Denial, own: PerProcess): boolean {
  const fields = denial.fields;
  if (fields === undefined) return false;
  if (own.pid !== undefined && (fields.pid !== own.pid || denial.pid !== Number(own.pid))) return false;
  if (own.ip !== undefined && (fields.ip !== own.ip || denial.ip !== own.ip)) return false;
  return true;
}

// A body seen once is only marked: remembering the build of every body of a replay whose bodies
// never repeat (a saved file where each record has its own pid) keeps them all alive for the
// garbage collector to copy, which doubled parse time there. The second sight remembers it.
const SEEN_ONCE = Symbol('seen once');
const NOT_A_RECORD = Symbol('not a record');
/** A masked key whose build did not hold the masked values: such bodies are always built afresh. */
const UNMASKABLE = Symbol('unmaskable');

/**
 * The denial a fresh build gives: kind, the base, the rest. Built member by member from `{}` as the
 * builders' withoutUndefined does, so it has their objects' hidden class: built as `{ kind, ...base,
 * ...rest }` (or from `{ kind }`), enrich and the UI store read it at half the speed.
 * `own` puts back this line's per-process values where the remembered build has another's.
 */
function joined(part: BuiltPart, base: RecordBase, own: PerProcess | undefined): Denial {
  const out: Record<string, unknown> = {};
  out.kind = part.kind;
  for (const key in base) out[key] = base[key as keyof RecordBase];
  const rest = part.rest;
  if (own === undefined || (own.pid === part.pid && own.ip === part.ip)) {
    for (const key in rest) out[key] = rest[key];
  } else {
    for (const key in rest) {
      out[key] =
        key === 'pid' && own.pid !== undefined
          ? Number(own.pid)
          : key === 'ip' && own.ip !== undefined
            ? own.ip
            : key === 'fields'
              ? fieldsWith(rest[key] as Readonly<Record<string, string>>, own)
              : rest[key];
    }
  }
  return out as unknown as Denial;
}

/**
 * The logged fields with this line's pid= and ip= values, in the same order, on the same prototype
 * as the tokenizer's (none inherited: `fields.constructor` is no function).
 */
function fieldsWith(fields: Readonly<Record<string, string>>, own: PerProcess): Record<string, string> {
  const out = Object.create(Object.getPrototypeOf(fields) as object | null) as Record<string, string>;
  for (const key in fields) {
    out[key] =
      key === 'pid' && own.pid !== undefined
        ? own.pid
        : key === 'ip' && own.ip !== undefined
          ? own.ip
          : fields[key]!;
  }
  return out;
}

/**
 * Longer bodies are built afresh, never remembered: a record is a few hundred characters, and a
 * key per huge logged value (64 KiB each) would make the cache's bound one of entries only.
 */
const MAX_BODY = 4096;

/**
 * What a second build is remembered as. Under a masked key only a denial holding the masked
 * values as its pid/ip is kept (a problem's text or a record without them might depend on them).
 */
function rememberable(
  built: BuildResult,
  own: PerProcess | undefined,
): Remembered | typeof NOT_A_RECORD | typeof UNMASKABLE {
  if (built === undefined) return own === undefined ? NOT_A_RECORD : UNMASKABLE;
  if (!('denial' in built)) return own === undefined ? built : UNMASKABLE;
  if (own !== undefined && !holdsOwn(built.denial, own)) return UNMASKABLE;
  return builtPartOf(built.denial, own);
}

/**
 * The remembered build each denial was joined from (or first remembered as). Every denial with
 * the same one has the same members apart from the envelope's and pid, ip and fields: the same
 * values, the very same objects. So what is worked out from those members alone (the access's
 * suggestions, the JSON text of the shared members) can be kept per build, not recomputed per
 * line. Only for the denial object parse made: a copy is not in here.
 */
const builtFrom = new WeakMap<Denial, object>();

/** The identity of `denial`'s remembered build, when it came from one (see builtFrom). */
export function repeatOf(denial: Denial): object | undefined {
  return builtFrom.get(denial);
}

/**
 * Marks `denial` as made from `identity` (see builtFrom): for another cache whose denials of one
 * identity share every member but the envelope's, pid, ip and fields (line-cache.ts).
 */
export function markRepeat(denial: Denial, identity: object): void {
  builtFrom.set(denial, identity);
}

/** The body with its per-process values (pid=, seccomp ip=) cut out, as keyed here. */
export const maskedBody = masked;

/** Bounded: forgotten all at once when full, like the enricher's suggestion cache. */
export class BuildCache {
  private readonly entries = new Map<
    string,
    Remembered | typeof SEEN_ONCE | typeof NOT_A_RECORD | typeof UNMASKABLE
  >();

  /** Hits since the entries were last forgotten. */
  private hits = 0;
  private readonly skip: CacheSkip;

  constructor(private readonly capacity = 2048) {
    this.skip = new CacheSkip(capacity);
  }

  build(
    family: RecordFamily,
    builder: Builder,
    base: RecordBase,
    body: string,
    tokenize: (body: string) => Tokens,
  ): BuildResult {
    if (body.length > MAX_BODY) return builder(base, tokenize(body));
    if (this.skip.skip()) return builder(base, tokenize(body));
    const cut = masked(family, body);
    // The mark ('-' when nothing was cut) comes before the body: a body holding NULs cannot pass
    // for a masked one.
    // A type name may hold NULs (`type=APPARMOR_X\0...`): its length keeps it from running into
    // the mark and body after it.
    const type = base.auditType === undefined ? '' : String(base.auditType);
    const key = `${family}\u0000${typeof base.auditType}\u0000${type.length}:${type}\u0000${cut ? cut.mark : '-'}\u0000${cut ? cut.rest : body}`;
    const remembered = this.entries.get(key);
    if (remembered === UNMASKABLE) return builder(base, tokenize(body));
    const own = cut?.own;
    if (remembered !== undefined && remembered !== SEEN_ONCE) {
      this.hits++;
      if (remembered === NOT_A_RECORD) return undefined;
      if (!('kind' in remembered)) return remembered;
      const denial = joined(remembered, base, own);
      builtFrom.set(denial, remembered);
      return { denial };
    }
    const built = builder(base, tokenize(body));
    if (this.entries.size >= this.capacity) this.forget();
    const entry = remembered === undefined ? SEEN_ONCE : rememberable(built, own);
    this.entries.set(key, entry);
    if (typeof entry === 'object' && 'kind' in entry && built && 'denial' in built)
      builtFrom.set(built.denial, entry);
    return built;
  }

  /** Forgets every entry; a fill with next to no repeat skips the cache a while (CacheSkip). */
  private forget(): void {
    this.entries.clear();
    this.skip.filled(this.hits);
    this.hits = 0;
  }
}
