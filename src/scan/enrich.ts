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

// U+0001 cannot occur in a decoded log value that matters here; undefined and '' differ.
const SEPARATOR = '\u0001';

function part(value: unknown): string {
  return value === undefined ? '\u0002' : String(value);
}

/** Everything a suggestion can depend on, and nothing that varies between repeats (pid, time). */
export function accessKey(d: Denial): string {
  return (
    part(d.kind) +
    SEPARATOR +
    part(d.instance) +
    SEPARATOR +
    part(d.label) +
    SEPARATOR +
    part(d.decision) +
    SEPARATOR +
    part(d.operation) +
    SEPARATOR +
    part(d.class) +
    SEPARATOR +
    part(d.path) +
    SEPARATOR +
    part(d.target) +
    SEPARATOR +
    part(d.requestedMask) +
    SEPARATOR +
    part(d.deniedMask) +
    SEPARATOR +
    part(d.fsuid === d.ouid) +
    SEPARATOR +
    part(d.capname ?? d.capability) +
    SEPARATOR +
    part(d.family) +
    SEPARATOR +
    part(d.sockType) +
    SEPARATOR +
    part(d.protocol) +
    SEPARATOR +
    part(d.signal) +
    SEPARATOR +
    part(d.peer) +
    SEPARATOR +
    part(d.peerLabel) +
    SEPARATOR +
    part(d.addr) +
    SEPARATOR +
    part(d.peerAddr) +
    SEPARATOR +
    part(d.fstype) +
    SEPARATOR +
    part(d.srcname) +
    SEPARATOR +
    part(d.flags) +
    SEPARATOR +
    part(d.dbus && JSON.stringify(d.dbus)) +
    SEPARATOR +
    part(d.syscall?.name ?? d.syscall?.number) +
    SEPARATOR +
    part(d.syscall?.arch) +
    SEPARATOR +
    part(d.device && JSON.stringify(d.device)) +
    SEPARATOR +
    part(d.exe?.startsWith('/snap/') ? 'snap-exe' : d.exe)
  );
}
