/**
 * What enrichment needs without the rules: the access key suggestions are kept by and the
 * syscall named on the right architecture table. A bulk replay's main thread enriches with
 * SyscallNamer alone (its suggestions come from the suggestion thread), so its bundle
 * (scan/replay-run.ts) does not hold the suggestion engine; enrich.ts adds the rules.
 */
import type { Denial, SourceName, Suggestion } from '../model/denial.js';
import { resolveAuditSyscall } from '../seccomp/resolve.js';
import { ownsFile } from '../suggest/access.js';

/** Accesses whose suggestions are kept: all are forgotten at once beyond it. */
export const CACHE_LIMIT = 10_000;

/** What a pipeline asks of its enricher for a denial it has just parsed (see Enricher.enrichOwned). */
export interface OwnedEnricher {
  enrichOwned(denial: Denial, source: SourceName): Denial;
}

/**
 * The members enrichOwned adds to a denial only its caller holds: `source` when the parser left
 * it unset, the named syscall when it differs, the suggestions when there are.
 */
export function addToOwned(
  denial: Denial,
  source: SourceName,
  syscall: Denial['syscall'],
  suggestions: readonly Suggestion[] | undefined,
): Denial {
  const owned = denial as { -readonly [K in keyof Denial]: Denial[K] };
  if (owned.source === undefined) owned.source = source;
  if (syscall !== denial.syscall) owned.syscall = syscall;
  if (suggestions !== undefined) owned.suggestions = suggestions;
  return owned;
}

/** An Enricher without rules: the syscall named, no suggestions. */
export class SyscallNamer implements OwnedEnricher {
  enrichOwned(denial: Denial, source: SourceName): Denial {
    return addToOwned(denial, source, resolvedSyscall(denial.syscall), undefined);
  }
}

/**
 * Resolutions by the parsed syscall object: the build cache hands every repeat of a denial the
 * same one, so repeats share one resolved object too (and the JSON writer's per-shape text).
 */
const resolvedOf = new WeakMap<NonNullable<Denial['syscall']>, NonNullable<Denial['syscall']>>();

/** The syscall with its name and architecture looked up, or the same one when nothing is to add. */
export function resolvedSyscall(syscall: Denial['syscall']): Denial['syscall'] {
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
