import type { ArchInfo, ArchName } from './arch.js';
import { archByAudit, compatArches, X32_SYSCALL_BIT } from './arch.js';
import {
  pseudoSyscallNumber,
  requireArch,
  syscallName,
  syscallNameByRaw,
  syscallNames,
  syscallNumber,
} from './tables.js';

export interface ResolvedSyscall {
  /** The arch whose table named the number; undefined when the audit arch is unknown. */
  readonly arch?: ArchName;
  /** Undefined when that table has no syscall with this number: never guessed. */
  readonly name?: string;
}

/**
 * Names the syscall of a seccomp audit record (`arch=… syscall=… compat=…`).
 *
 * The audit arch already tells i386 from x86_64 (and arm from aarch64) for compat tasks; x32 shares
 * x86_64's audit arch and is told apart by the 0x40000000 bit of the number (the kernel also
 * reports compat=1 for x32). A compat=1 record on a 64-bit audit arch is resolved on that arch's
 * compat table, as snappy-debug's documentation resolves it (`scmp_sys_resolver -a x86 N` on
 * amd64, `-a arm` on arm64).
 */
export function resolveAuditSyscall(
  auditArch: string | number,
  number: number,
  compat?: number,
): ResolvedSyscall {
  const arch = auditSyscallArch(candidatesFor(auditArch), number, compat);
  if (arch === undefined) return {};
  const name = syscallName(arch, number);
  return name === undefined ? { arch } : { arch, name };
}

// Logs carry a handful of distinct arch= values; remembering them keeps scanlog's per-denial cost low.
const candidatesByAudit = new Map<string | number, readonly ArchInfo[]>();

function candidatesFor(auditArch: string | number): readonly ArchInfo[] {
  let candidates = candidatesByAudit.get(auditArch);
  if (candidates === undefined) {
    if (candidatesByAudit.size >= 64) candidatesByAudit.clear();
    candidates = archByAudit(auditArch);
    candidatesByAudit.set(auditArch, candidates);
  }
  return candidates;
}

function auditSyscallArch(
  candidates: readonly ArchInfo[],
  number: number,
  compat?: number,
): ArchName | undefined {
  const x32 = candidates.find((info) => info.name === 'x32');
  if (x32 !== undefined && number >= X32_SYSCALL_BIT) return x32.name;
  const native = candidates.find((info) => info.name !== 'x32');
  if (native === undefined) return undefined;
  if (compat === 1) return compatArches(native.name)[0] ?? native.name;
  return native.name;
}

// What libseccomp's own resolver (scmp_sys_resolver) answers, pseudo numbers included.

/** Calls that 32-bit ABIs with socketcall(2)/ipc(2) multiplex; libseccomp names them by pseudo number. */
const SOCKET_CALLS = new Set(
  (
    'socket bind connect listen accept getsockname getpeername socketpair send recv sendto recvfrom shutdown ' +
    'setsockopt getsockopt sendmsg recvmsg accept4 recvmmsg sendmmsg'
  ).split(' '),
);
const IPC_CALLS = new Set(
  'semop semget semctl semtimedop msgsnd msgrcv msgget msgctl shmat shmdt shmget shmctl'.split(' '),
);
/** Tables of the arches whose libseccomp resolver uses those pseudo numbers (and -t rewrites them). */
const MULTIPLEXING_TABLES: ReadonlySet<string> = new Set([
  'x86',
  'mips',
  'ppc',
  'ppc64',
  's390',
  's390x',
  'm68k',
  'sh',
]);

/** The value libseccomp uses for "no such syscall" (__NR_SCMP_ERROR). */
export const SCMP_ERROR = -1;

function multiplexes(info: ArchInfo): boolean {
  return MULTIPLEXING_TABLES.has(info.table);
}

/**
 * What `scmp_sys_resolver [-t] -a ARCH NAME` prints: the kernel number; libseccomp's negative pseudo
 * number where the arch lacks the call (and, on socketcall/ipc arches, for the multiplexed calls);
 * -1 for a name libseccomp does not know. `translate` (-t) turns multiplexed pseudo numbers into the
 * socketcall/ipc number.
 */
export function libseccompNumber(arch: ArchName | string, name: string, translate = false): number {
  const info = requireArch(arch);
  const multiplexed = multiplexes(info) && (SOCKET_CALLS.has(name) || IPC_CALLS.has(name));
  const number = multiplexed
    ? pseudoSyscallNumber(name)
    : (syscallNumber(info.name, name) ?? pseudoSyscallNumber(name));
  if (number === undefined) return SCMP_ERROR;
  if (!translate || !multiplexes(info)) return number;
  if (number <= -101 && number >= -120) return syscallNumber(info.name, 'socketcall') ?? number;
  if (number <= -201 && number >= -224) return syscallNumber(info.name, 'ipc') ?? number;
  return number;
}

/**
 * What `scmp_sys_resolver -a ARCH NUMBER` prints (undefined = UNKNOWN). More lenient than
 * syscallName(): like libseccomp it also accepts raw numbers (x32 without its bit, MIPS without
 * the ABI offset) and the arch's pseudo numbers.
 */
export function libseccompName(arch: ArchName | string, number: number): string | undefined {
  const info = requireArch(arch);
  if (multiplexes(info)) {
    const name = multiplexedByPseudo().get(number);
    if (name !== undefined) return name;
  }
  let raw = number;
  if (info.table === 'x32' && number >= 0) raw = number & ~X32_SYSCALL_BIT;
  else if (info.numberOffset > 0 && number >= info.numberOffset) raw = number - info.numberOffset;
  return raw >= 0 ? syscallNameByRaw(info.name, raw) : pseudoNames(info).get(raw);
}

let multiplexedNames: ReadonlyMap<number, string> | undefined;

function multiplexedByPseudo(): ReadonlyMap<number, string> {
  multiplexedNames ??= new Map(
    [...SOCKET_CALLS, ...IPC_CALLS].map((name) => [pseudoSyscallNumber(name) ?? SCMP_ERROR, name]),
  );
  return multiplexedNames;
}

const pseudoNamesByTable = new Map<string, ReadonlyMap<number, string>>();

/**
 * Pseudo number → name for the calls this arch lacks. Two calls share -10191; scmp_sys_resolver
 * answers switch_endian, the alphabetically first, so the first name keeps a number.
 */
function pseudoNames(info: ArchInfo): ReadonlyMap<number, string> {
  let names = pseudoNamesByTable.get(info.table);
  if (names === undefined) {
    const present = new Set(syscallNames(info.name));
    const built = new Map<number, string>();
    for (const name of syscallNames()) {
      const pseudo = pseudoSyscallNumber(name);
      if (pseudo !== undefined && !present.has(name) && !built.has(pseudo)) built.set(pseudo, name);
    }
    names = built;
    pseudoNamesByTable.set(info.table, names);
  }
  return names;
}
