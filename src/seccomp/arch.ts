import { endianness } from 'node:os';
import type { TableName } from './generated/syscalls.js';

/** libseccomp architecture names, as `scmp_sys_resolver -a` and snap-seccomp spell them. */
export type ArchName =
  | 'x86'
  | 'x86_64'
  | 'x32'
  | 'arm'
  | 'aarch64'
  | 'loongarch64'
  | 'm68k'
  | 'mips'
  | 'mipsel'
  | 'mips64'
  | 'mipsel64'
  | 'mips64n32'
  | 'mipsel64n32'
  | 'parisc'
  | 'parisc64'
  | 'ppc'
  | 'ppc64'
  | 'ppc64le'
  | 'riscv64'
  | 's390'
  | 's390x'
  | 'sh'
  | 'sheb';

export interface ArchInfo {
  readonly name: ArchName;
  /** AUDIT_ARCH_* value: the `arch=` field of audit records and `seccomp_data.arch` in BPF. */
  readonly auditArch: number;
  /** Word size of the ABI: x32 and mips64n32 are 32-bit ABIs although their audit arch says 64. */
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  /** Key of the syscall table (CSV column) this arch uses; byte-order variants share one. */
  readonly table: TableName;
  /** Added to (x32: OR-ed into) the raw table number to give the number the kernel sees. */
  readonly numberOffset: number;
}

/** Bit set in every x32 syscall number (__X32_SYSCALL_BIT). */
export const X32_SYSCALL_BIT = 0x40000000;

function arch(
  name: ArchName,
  auditArch: number,
  bits: 32 | 64,
  byteOrder: 'LE' | 'BE',
  table: TableName,
  numberOffset = 0,
): ArchInfo {
  return { name, auditArch, bits, littleEndian: byteOrder === 'LE', table, numberOffset };
}

// AUDIT_ARCH_* = ELF machine (EM_*) | 0x80000000 if the kernel ABI is 64-bit | 0x40000000 if
// little-endian (| 0x20000000 for the MIPS n32 convention).
export const ARCHES: readonly ArchInfo[] = [
  arch('x86', 0x40000003, 32, 'LE', 'x86'),
  arch('x86_64', 0xc000003e, 64, 'LE', 'x86_64'),
  // The kernel reports x32 tasks with the x86_64 audit arch; only the number's bit tells them apart.
  arch('x32', 0xc000003e, 32, 'LE', 'x32', X32_SYSCALL_BIT),
  arch('arm', 0x40000028, 32, 'LE', 'arm'),
  arch('aarch64', 0xc00000b7, 64, 'LE', 'aarch64'),
  arch('loongarch64', 0xc0000102, 64, 'LE', 'loongarch64'),
  arch('m68k', 0x00000004, 32, 'BE', 'm68k'),
  arch('mips', 0x00000008, 32, 'BE', 'mips', 4000),
  arch('mipsel', 0x40000008, 32, 'LE', 'mips', 4000),
  arch('mips64', 0x80000008, 64, 'BE', 'mips64', 5000),
  arch('mipsel64', 0xc0000008, 64, 'LE', 'mips64', 5000),
  arch('mips64n32', 0xa0000008, 32, 'BE', 'mips64n32', 6000),
  arch('mipsel64n32', 0xe0000008, 32, 'LE', 'mips64n32', 6000),
  arch('parisc', 0x0000000f, 32, 'BE', 'parisc'),
  arch('parisc64', 0x8000000f, 64, 'BE', 'parisc64'),
  arch('ppc', 0x00000014, 32, 'BE', 'ppc'),
  arch('ppc64', 0x80000015, 64, 'BE', 'ppc64'),
  arch('ppc64le', 0xc0000015, 64, 'LE', 'ppc64'),
  arch('riscv64', 0xc00000f3, 64, 'LE', 'riscv64'),
  arch('s390', 0x00000016, 32, 'BE', 's390'),
  arch('s390x', 0x80000016, 64, 'BE', 's390x'),
  arch('sh', 0x4000002a, 32, 'LE', 'sh'),
  arch('sheb', 0x0000002a, 32, 'BE', 'sh'),
];

const BY_NAME: ReadonlyMap<string, ArchInfo> = new Map(ARCHES.map((info) => [info.name, info]));

export function archByName(name: string): ArchInfo | undefined {
  return BY_NAME.get(name);
}

/** Parses an audit `arch=` value: `c000003e`, `C000003E` or `0xc000003e`; undefined if malformed. */
export function parseAuditArch(value: number | string): number | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value <= 0xffffffff ? value : undefined;
  }
  const match = /^(?:0x)?([0-9a-f]{1,8})$/i.exec(value.trim());
  return match?.[1] !== undefined ? Number.parseInt(match[1], 16) : undefined;
}

/** All arches reporting this audit arch; `c000003e` gives [x86_64, x32]. Empty when unknown. */
export function archByAudit(auditArch: number | string): ArchInfo[] {
  const value = parseAuditArch(auditArch);
  return value === undefined ? [] : ARCHES.filter((info) => info.auditArch === value);
}

const NODE_ARCHES: Readonly<Record<string, ArchName | readonly [big: ArchName, little: ArchName]>> = {
  ia32: 'x86',
  x64: 'x86_64',
  arm: 'arm',
  arm64: 'aarch64',
  loong64: 'loongarch64',
  mips: 'mips',
  mipsel: 'mipsel',
  ppc: 'ppc',
  ppc64: ['ppc64', 'ppc64le'],
  riscv64: 'riscv64',
  s390: 's390',
  s390x: 's390x',
};

/** The arch this Node process runs as (from process.arch and the byte order). */
export function nativeArch(nodeArch: string = process.arch, byteOrder: 'BE' | 'LE' = endianness()): ArchInfo {
  const entry = NODE_ARCHES[nodeArch];
  const name = typeof entry === 'string' ? entry : entry?.[byteOrder === 'LE' ? 1 : 0];
  const info = name !== undefined ? archByName(name) : undefined;
  if (info === undefined) throw new Error(`cannot map Node architecture "${nodeArch}" to a seccomp arch`);
  return info;
}

/**
 * The compat arches snap-seccomp adds to a filter for this native arch (its addSecondaryArches,
 * when userland and kernel agree): amd64 → x86, arm64 → arm, ppc64 (big-endian) → ppc.
 */
export function compatArches(arch: ArchName): ArchName[] {
  switch (arch) {
    case 'x86_64':
      return ['x86'];
    case 'aarch64':
      return ['arm'];
    case 'ppc64':
      return ['ppc'];
    default:
      return [];
  }
}
