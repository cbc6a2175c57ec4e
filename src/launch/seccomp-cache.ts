/**
 * Compiling a seccomp source for the launcher, and keeping the result between runs (compiling
 * the template costs tens of milliseconds; a launch should not). An entry is used only when
 * everything the compiled bytes depend on is unchanged: the architecture, the source text, the
 * compiler's own files, and the uid or gid of each user or group the source names (u:NAME,
 * g:NAME). The file name is only a quick hash; the entry itself carries what it was made from
 * and is compared in full. A cache that cannot be read or written is only slower.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeArch } from '../seccomp/arch.js';
import { encodeBin2 } from '../seccomp/bin2.js';
import { compileProfile } from '../seccomp/compile.js';
import { parseProfile } from '../seccomp/profile.js';
import { syscallNames } from '../seccomp/tables.js';

export const SECCOMP_CACHE = '/var/cache/snappy-debug/seccomp';

/** Bumped whenever the entry layout changes. */
const ENTRY_VERSION = 2;

/** The users and groups a compile looked up, as `u:NAME` / `g:NAME` → id (null: unknown). */
type Lookups = Record<string, number | null>;

interface EntryHeader {
  readonly version: number;
  readonly arch: string;
  readonly compiler: string;
  readonly lookups: Lookups;
  readonly source: string;
}

let knownSyscalls: ReadonlySet<string> | undefined;

function idTable(file: string): Map<string, number> {
  return new Map(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .filter((f) => f.length > 2 && /^\d+$/.test(f[2]!))
      .map((f) => [f[0]!, Number(f[2])] as const),
  );
}

/** Looks names up in /etc/passwd and /etc/group (read on first use), recording each answer. */
function recordingLookups(lookups: Lookups): {
  user: (name: string) => number | undefined;
  group: (name: string) => number | undefined;
} {
  let users: Map<string, number> | undefined;
  let groups: Map<string, number> | undefined;
  return {
    user: (name) => {
      const id = (users ??= idTable('/etc/passwd')).get(name);
      lookups[`u:${name}`] = id ?? null;
      return id;
    },
    group: (name) => {
      const id = (groups ??= idTable('/etc/group')).get(name);
      lookups[`g:${name}`] = id ?? null;
      return id;
    },
  };
}

/** Compiles for the native architecture; `lookups`, when given, receives the names looked up. */
export function compileSeccomp(source: string, lookups: Lookups = {}): Uint8Array {
  knownSyscalls ??= new Set(syscallNames());
  const known = knownSyscalls;
  const lookup = recordingLookups(lookups);
  const profile = parseProfile(source, {
    file: 'seccomp',
    isKnownSyscall: (n) => known.has(n),
    lookupUser: lookup.user,
    lookupGroup: lookup.group,
  });
  return encodeBin2(compileProfile(profile, { arch: nativeArch().name }));
}

/**
 * What identifies the compiler's code: the modification times of this module and of the
 * seccomp modules beside it (tsc's output, or src/ under tests). A new build changes them.
 */
function compilerStamp(): string {
  const own = fileURLToPath(import.meta.url);
  const parts = [`${own}:${statSync(own).mtimeMs}`];
  for (const sub of ['../seccomp/', '../seccomp/generated/']) {
    const dir = fileURLToPath(new URL(sub, import.meta.url));
    try {
      for (const name of readdirSync(dir).sort()) {
        if (/\.[jt]s$/.test(name)) parts.push(`${sub}${name}:${statSync(join(dir, name)).mtimeMs}`);
      }
    } catch {
      // no such directory (an installed bundle without tsc's modules): the own stamp must do
    }
  }
  return parts.join('|');
}

/** FNV-1a, 2 × 32 bits: picks the file; the entry's header decides whether it is the one. */
function quickHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 ^ 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

function lookupsStillHold(lookups: Lookups): boolean {
  const names = Object.keys(lookups);
  if (names.length === 0) return true;
  const current = recordingLookups({});
  return names.every((key) => {
    const name = key.slice(2);
    const id = key.startsWith('u:') ? current.user(name) : current.group(name);
    return (id ?? null) === lookups[key];
  });
}

/** The bytes of a valid entry for exactly this input, else undefined. */
function readEntry(file: string, arch: string, compiler: string, source: string): Uint8Array | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  const end = data.indexOf(0x0a);
  if (end < 0) return undefined;
  let header: EntryHeader;
  try {
    header = JSON.parse(data.subarray(0, end).toString('utf8')) as EntryHeader;
  } catch {
    return undefined;
  }
  const matches =
    header.version === ENTRY_VERSION &&
    header.arch === arch &&
    header.compiler === compiler &&
    header.source === source &&
    typeof header.lookups === 'object' &&
    header.lookups !== null &&
    lookupsStillHold(header.lookups);
  return matches ? data.subarray(end + 1) : undefined;
}

/** The compiled filter for `source`, from the cache when an entry made from the same inputs is there. */
export function cachedSeccomp(source: string, cacheDir = SECCOMP_CACHE): Uint8Array {
  const arch = nativeArch().name;
  const compiler = compilerStamp();
  const file = join(cacheDir, `${quickHash(`${arch}\0${compiler}\0${source}`)}.entry`);
  const cached = readEntry(file, arch, compiler, source);
  if (cached !== undefined) return cached;
  const lookups: Lookups = {};
  const compiled = compileSeccomp(source, lookups);
  const header: EntryHeader = { version: ENTRY_VERSION, arch, compiler, lookups, source };
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o755 });
    const temp = `${file}.${process.pid}`;
    writeFileSync(temp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), compiled]), {
      mode: 0o644,
    });
    renameSync(temp, file);
  } catch {
    // read-only or full: compile every time
  }
  return compiled;
}
