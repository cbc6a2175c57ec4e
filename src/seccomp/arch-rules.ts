import type { ArchInfo } from './arch.js';
import type { ArgCondition, ProfileRule } from './profile.js';
import { pseudoSyscallNumber, syscallNumber } from './tables.js';

/** A profile rule placed on one arch: the kernel's syscall number and the conditions to test. */
export interface ArchRule {
  readonly nr: number;
  readonly rule: ProfileRule;
  readonly conditions: readonly ArgCondition[];
}

// The arches whose libseccomp definition rewrites socket and IPC rules (abi_rule_add).
const MULTIPLEXING_ARCHES: ReadonlySet<string> = new Set([
  'x86',
  's390',
  's390x',
  'ppc',
  'ppc64',
  'ppc64le',
  'mips',
  'mipsel',
]);

/**
 * The multiplexer (socketcall or ipc) and call number of a socket or SysV IPC syscall, from
 * libseccomp's pseudo numbers: -101..-120 are socketcall calls 1..20, -201..-224 ipc calls 1..24.
 */
function multiplexedCall(name: string): { readonly via: string; readonly call: number } | undefined {
  const pseudo = pseudoSyscallNumber(name);
  if (pseudo === undefined) return undefined;
  if (pseudo <= -101 && pseudo >= -120) return { via: 'socketcall', call: -pseudo - 100 };
  if (pseudo <= -200 && pseudo >= -224) return { via: 'ipc', call: -pseudo - 200 };
  return undefined;
}

/**
 * Places rules on an arch as libseccomp does: a syscall the arch lacks is skipped; on arches that
 * multiplex sockets and SysV IPC (x86, s390, ppc, mips o32), such a rule also applies to
 * socketcall/ipc with its argument 0 condition replaced by `arg0 == call number`.
 */
export function archRules(rules: readonly ProfileRule[], arch: ArchInfo): ArchRule[] {
  const placed: ArchRule[] = [];
  for (const rule of rules) {
    const mux = multiplexedCall(rule.syscall);
    const muxNr = mux && MULTIPLEXING_ARCHES.has(arch.name) ? syscallNumber(arch.name, mux.via) : undefined;
    if (mux && muxNr !== undefined) {
      const callCondition: ArgCondition = {
        index: 0,
        op: 'eq',
        value: BigInt(mux.call),
        token: String(mux.call),
      };
      const conditions = [callCondition, ...rule.conditions.filter((c) => c.index !== 0)];
      placed.push({ nr: muxNr, rule, conditions });
    }
    const nr = syscallNumber(arch.name, rule.syscall);
    if (nr !== undefined) placed.push({ nr, rule, conditions: rule.conditions });
  }
  return placed;
}
