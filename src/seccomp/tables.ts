import type { ArchInfo, ArchName } from './arch.js';
import { archByName, X32_SYSCALL_BIT } from './arch.js';
import type { TableName } from './generated/syscalls.js';
import { PSEUDO_NUMBERS, SYSCALL_ROWS, TABLE_NAMES } from './generated/syscalls.js';

interface Table {
  readonly rawByName: ReadonlyMap<string, number>;
  readonly nameByRaw: ReadonlyMap<number, string>;
  readonly names: readonly string[];
}

const tables = new Map<TableName, Table>();

function table(name: TableName): Table {
  let built = tables.get(name);
  if (built === undefined) {
    const column = 1 + TABLE_NAMES.indexOf(name);
    const rawByName = new Map<string, number>();
    const nameByRaw = new Map<number, string>();
    for (const row of SYSCALL_ROWS) {
      const raw = row[column];
      if (typeof raw !== 'number') continue;
      rawByName.set(row[0], raw);
      nameByRaw.set(raw, row[0]);
    }
    built = { rawByName, nameByRaw, names: [...rawByName.keys()] };
    tables.set(name, built);
  }
  return built;
}

/** The arch for a libseccomp name; throws on a name libseccomp does not know. */
export function requireArch(arch: ArchName | string): ArchInfo {
  const info = archByName(arch);
  if (info === undefined) throw new Error(`unknown seccomp architecture "${arch}"`);
  return info;
}

/** Raw table number → the number the kernel sees (x32 bit, MIPS ABI offset). */
export function kernelNumber(info: ArchInfo, raw: number): number {
  return info.table === 'x32' ? (raw | X32_SYSCALL_BIT) >>> 0 : raw + info.numberOffset;
}

/** The kernel's number → raw table number, or undefined if it is outside this ABI's range. */
export function rawNumber(info: ArchInfo, number: number): number | undefined {
  if (info.table === 'x32') return number >= X32_SYSCALL_BIT ? number - X32_SYSCALL_BIT : undefined;
  const raw = number - info.numberOffset;
  return raw >= 0 ? raw : undefined;
}

/** Raw table number of a syscall on an arch; undefined where it does not exist. */
export function rawSyscallNumber(arch: ArchName | string, name: string): number | undefined {
  return table(requireArch(arch).table).rawByName.get(name);
}

/** Syscall name for a raw table number; undefined when the table has none. */
export function syscallNameByRaw(arch: ArchName | string, raw: number): string | undefined {
  return table(requireArch(arch).table).nameByRaw.get(raw);
}

/**
 * The syscall's number as the kernel sees it (x32 bit and MIPS offsets included), as
 * scmp_sys_resolver prints it; undefined where the syscall does not exist on that arch.
 */
export function syscallNumber(arch: ArchName | string, name: string): number | undefined {
  const info = requireArch(arch);
  const raw = table(info.table).rawByName.get(name);
  return raw === undefined ? undefined : kernelNumber(info, raw);
}

/**
 * The name of the syscall the kernel numbers `number` on this arch; undefined for unknown numbers
 * and for numbers outside the ABI's range (an x32 number without its bit, a MIPS number below its offset).
 */
export function syscallName(arch: ArchName | string, number: number): string | undefined {
  const info = requireArch(arch);
  const raw = rawNumber(info, number);
  return raw === undefined ? undefined : table(info.table).nameByRaw.get(raw);
}

/** Names of the syscalls that exist on the arch (all names libseccomp knows without an arch), sorted. */
export function syscallNames(arch?: ArchName | string): readonly string[] {
  return arch === undefined ? ALL_NAMES : table(requireArch(arch).table).names;
}

const ALL_NAMES: readonly string[] = SYSCALL_ROWS.map((row) => row[0]);

/** libseccomp's negative pseudo number for a syscall name (e.g. open → -10166), if it has one. */
export function pseudoSyscallNumber(name: string): number | undefined {
  return PSEUDO_NUMBERS.get(name);
}
