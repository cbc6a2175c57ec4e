/**
 * Floods repeat: one process denied the same way thousands of times a second logs records that
 * differ only in their envelope (audit stamp, journal fields, the line itself). A record builder's
 * result depends on the record body's tokens and the audit type alone; the envelope's part (the
 * RecordBase) is copied in unchanged. So the built part is remembered by (family, type, body) and
 * joined with each line's own base, in the same member order a fresh build gives.
 */
import type { Denial } from '../model/denial.js';
import type { BuildResult, RecordBase } from './apparmor.js';
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
}

type Remembered = BuiltPart | Exclude<BuildResult, { readonly denial: Denial }>;

function builtPartOf(denial: Denial): BuiltPart {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(denial)) {
    if (key !== 'kind' && !BASE_MEMBERS.has(key)) rest[key] = value;
  }
  return { kind: denial.kind, rest };
}

// A body seen once is only marked: remembering the build of every body of a replay whose bodies
// never repeat (a saved file where each record has its own pid) keeps them all alive for the
// garbage collector to copy, which doubled parse time there. The second sight remembers it.
const SEEN_ONCE = Symbol('seen once');
const NOT_A_RECORD = Symbol('not a record');

/**
 * The denial a fresh build gives: kind, the base, the rest. Built member by member from `{}` as the
 * builders' withoutUndefined does, so it has their objects' hidden class: built as `{ kind, ...base,
 * ...rest }` (or from `{ kind }`), enrich and the UI store read it at half the speed.
 */
function joined(part: BuiltPart, base: RecordBase): Denial {
  const out: Record<string, unknown> = {};
  out.kind = part.kind;
  for (const key in base) out[key] = base[key as keyof RecordBase];
  for (const key in part.rest) out[key] = part.rest[key];
  return out as unknown as Denial;
}

/**
 * Longer bodies are built afresh, never remembered: a record is a few hundred characters, and a
 * key per huge logged value (64 KiB each) would make the cache's bound one of entries only.
 */
const MAX_BODY = 4096;

/** Bounded: forgotten all at once when full, like the enricher's suggestion cache. */
export class BuildCache {
  private readonly entries = new Map<string, Remembered | typeof SEEN_ONCE | typeof NOT_A_RECORD>();

  /** Hits since the entries were last forgotten. */
  private hits = 0;
  /** Builds still to make without the cache, and how long the last such stretch was. */
  private skipping = 0;
  private lastSkip = 0;

  constructor(private readonly capacity = 2048) {}

  build(
    family: RecordFamily,
    builder: Builder,
    base: RecordBase,
    body: string,
    tokenize: (body: string) => Tokens,
  ): BuildResult {
    if (body.length > MAX_BODY) return builder(base, tokenize(body));
    if (this.skipping > 0) {
      this.skipping--;
      return builder(base, tokenize(body));
    }
    const key = `${family}\u0000${base.auditType ?? ''}\u0000${typeof base.auditType}\u0000${body}`;
    const remembered = this.entries.get(key);
    if (remembered !== undefined && remembered !== SEEN_ONCE) {
      this.hits++;
      if (remembered === NOT_A_RECORD) return undefined;
      if (!('kind' in remembered)) return remembered;
      return { denial: joined(remembered, base) };
    }
    const built = builder(base, tokenize(body));
    if (this.entries.size >= this.capacity) this.forget();
    this.entries.set(
      key,
      remembered === undefined
        ? SEEN_ONCE
        : built === undefined
          ? NOT_A_RECORD
          : 'denial' in built
            ? builtPartOf(built.denial)
            : built,
    );
    return built;
  }

  /**
   * Forgets every entry. When the entries filled up with next to no repeat (a saved file whose
   * records each have their own pid), the next stretch of builds skips the cache: the key and its
   * lookup cost about a tenth of a parse there (bench file: ~80 ms of ~700). The stretch doubles
   * while repeats stay rare, up to 32 fills' worth, so a flood that starts meanwhile is cached
   * again soon.
   */
  private forget(): void {
    this.entries.clear();
    if (this.hits * 16 < this.capacity) {
      this.lastSkip = Math.min(Math.max(this.lastSkip * 2, this.capacity * 2), this.capacity * 32);
      this.skipping = this.lastSkip;
    } else {
      this.lastSkip = 0;
    }
    this.hits = 0;
  }
}
