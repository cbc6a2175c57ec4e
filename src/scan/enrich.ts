import type { Denial, Suggestion } from '../model/denial.js';
import { resolveAuditSyscall } from '../seccomp/resolve.js';
import { suggest, type RuleSet } from '../suggest/index.js';

const CACHE_LIMIT = 10_000;

/**
 * Adds what the log line alone does not say: the syscall's name on the right architecture
 * table, and the suggestions. Suggestions depend only on what was accessed, so they are
 * memoised by that (bounded), keeping repeated denials cheap.
 */
export class Enricher {
  private readonly cache = new Map<string, readonly Suggestion[]>();

  constructor(private readonly rules?: RuleSet) {}

  enrich(denial: Denial): Denial {
    const withSyscall = resolveSyscall(denial);
    if (!this.rules) return withSyscall;
    const key = accessKey(withSyscall);
    const cached = this.cache.get(key);
    if (cached) return { ...withSyscall, suggestions: cached };
    const suggestions = suggest(withSyscall, this.rules);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, suggestions);
    return { ...withSyscall, suggestions };
  }
}

function resolveSyscall(denial: Denial): Denial {
  const syscall = denial.syscall;
  if (!syscall || syscall.name !== undefined) return denial;
  const resolved = resolveAuditSyscall(syscall.auditArch, syscall.number, syscall.compat);
  return {
    ...denial,
    syscall: {
      ...syscall,
      ...(resolved.arch !== undefined ? { arch: resolved.arch } : {}),
      ...(resolved.name !== undefined ? { name: resolved.name } : {}),
    },
  };
}

/** Everything a suggestion can depend on, and nothing that varies between repeats (pid, time). */
export function accessKey(d: Denial): string {
  const parts: unknown[] = [
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
    d.fsuid === d.ouid,
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
    d.syscall?.name ?? d.syscall?.number,
    d.syscall?.arch,
    d.device && JSON.stringify(d.device),
    d.exe?.startsWith('/snap/') ? 'snap-exe' : d.exe,
  ];
  // U+0001 cannot occur in a decoded log value that matters here; undefined and '' differ.
  return parts.map((p) => (p === undefined ? '\u0002' : String(p))).join('\u0001');
}
