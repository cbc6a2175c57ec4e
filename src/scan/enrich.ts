import type { Denial, SourceName, Suggestion } from '../model/denial.js';
import { repeatOf } from '../parse/build-cache.js';
import { resolveAuditSyscall } from '../seccomp/resolve.js';
import { ownsFile } from '../suggest/access.js';
import { suggest, type RuleSet } from '../suggest/index.js';

/** Accesses whose suggestions are kept: all are forgotten at once beyond it. */
export const CACHE_LIMIT = 10_000;

/**
 * Adds what the log line alone does not say: the syscall's name on the right architecture
 * table, and the suggestions. Suggestions depend only on what was accessed, so they are
 * memoised by that (bounded), keeping repeated denials cheap.
 */
export class Enricher {
  private readonly cache = new Map<string, readonly Suggestion[]>();
  /** The same by the parser's remembered build (see repeatOf): no key to make for a repeat. */
  private readonly byRepeat = new WeakMap<object, readonly Suggestion[]>();

  constructor(private readonly rules?: RuleSet) {}

  /**
   * The denial with its syscall named and its suggestions, and `source` when the parser left it
   * unset: one new object (a saved file's 20,000 denials are not copied once per step).
   */
  enrich(denial: Denial, source?: SourceName): Denial {
    const syscall = resolvedSyscall(denial.syscall);
    const suggestions = this.rules ? this.suggestionsFor(denial, syscall) : undefined;
    const withSource = denial.source === undefined && source !== undefined;
    if (syscall === denial.syscall) {
      if (suggestions === undefined) return withSource ? { ...denial, source } : denial;
      return withSource ? { ...denial, source, suggestions } : { ...denial, suggestions };
    }
    const named = withSource ? { ...denial, source, syscall } : { ...denial, syscall };
    return suggestions === undefined ? named : { ...named, suggestions };
  }

  /**
   * The same for a denial the caller has just parsed and is the only one to hold: the members
   * are added to it. Stores keep V8's object shapes shared between records; a spread copy of
   * records of a few different shapes gives almost every copy a shape of its own, and each
   * later read of it (filter, JSON, text) is a slow lookup.
   */
  enrichOwned(denial: Denial, source: SourceName): Denial {
    const syscall = resolvedSyscall(denial.syscall);
    const suggestions = this.rules ? this.suggestionsFor(denial, syscall) : undefined;
    const owned = denial as { -readonly [K in keyof Denial]: Denial[K] };
    if (owned.source === undefined) owned.source = source;
    if (syscall !== denial.syscall) owned.syscall = syscall;
    if (suggestions !== undefined) owned.suggestions = suggestions;
    return owned;
  }

  private suggestionsFor(denial: Denial, syscall: Denial['syscall']): readonly Suggestion[] {
    const rules = this.rules;
    if (!rules) return [];
    const repeat = repeatOf(denial);
    if (repeat !== undefined) {
      const known = this.byRepeat.get(repeat);
      if (known) return known;
    }
    const key = accessKey(denial, syscall);
    let suggestions = this.cache.get(key);
    if (suggestions === undefined) {
      suggestions = suggest(syscall === denial.syscall ? denial : { ...denial, syscall }, rules);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, suggestions);
    }
    if (repeat !== undefined) this.byRepeat.set(repeat, suggestions);
    return suggestions;
  }
}

/**
 * Resolutions by the parsed syscall object: the build cache hands every repeat of a denial the
 * same one, so repeats share one resolved object too (and the JSON writer's per-shape text).
 */
const resolvedOf = new WeakMap<NonNullable<Denial['syscall']>, NonNullable<Denial['syscall']>>();

/** The syscall with its name and architecture looked up, or the same one when nothing is to add. */
function resolvedSyscall(syscall: Denial['syscall']): Denial['syscall'] {
  if (!syscall || syscall.name !== undefined) return syscall;
  let resolved = resolvedOf.get(syscall);
  if (resolved === undefined) resolvedOf.set(syscall, (resolved = lookedUp(syscall)));
  return resolved;
}

function lookedUp(syscall: NonNullable<Denial['syscall']>): NonNullable<Denial['syscall']> {
  const resolved = resolveAuditSyscall(syscall.auditArch, syscall.number, syscall.compat);
  return {
    ...syscall,
    ...(resolved.arch !== undefined ? { arch: resolved.arch } : {}),
    ...(resolved.name !== undefined ? { name: resolved.name } : {}),
  };
}

// U+0001 cannot occur in a decoded log value that matters here; undefined and '' differ.
const SEPARATOR = '\u0001';

function part(value: unknown): string {
  return value === undefined ? '\u0002' : String(value);
}

/**
 * Everything a suggestion can depend on, and nothing that varies between repeats (pid, time).
 * `syscall` stands for the denial's own when given (the resolved one, before it is joined in).
 * Joined in one go: a flat string hashes at once, a chain of 50 concatenations is copied first.
 */
export function accessKey(d: Denial, syscall: Denial['syscall'] = d.syscall): string {
  return [
    d.kind,
    d.instance,
    d.label,
    d.decision,
    d.operation,
    d.class,
    d.path,
    d.target,
    d.requestedMask,
    d.deniedMask,
    ownsFile(d),
    d.capname ?? d.capability,
    d.family,
    d.sockType,
    d.protocol,
    d.signal,
    d.peer,
    d.peerLabel,
    d.addr,
    d.peerAddr,
    d.fstype,
    d.srcname,
    d.flags,
    d.dbus && JSON.stringify(d.dbus),
    syscall?.name ?? syscall?.number,
    syscall?.arch,
    d.device && JSON.stringify(d.device),
    d.exe?.startsWith('/snap/') ? 'snap-exe' : d.exe,
  ]
    .map(part)
    .join(SEPARATOR);
}
