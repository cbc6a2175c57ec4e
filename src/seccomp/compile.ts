import { archByName, compatArches, X32_SYSCALL_BIT, type ArchInfo } from './arch.js';
import {
  ACTION_ERRNO_EACCES,
  ACTION_ERRNO_EPERM,
  assemble,
  BPF_ABS,
  BPF_ALU,
  BPF_AND,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_K,
  BPF_LD,
  BPF_MAXINSNS,
  BPF_RET,
  BPF_W,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_ARGS,
  SECCOMP_DATA_NR,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  type AsmItem,
  type SockFilter,
} from './bpf.js';
import type { ArgCondition, Profile, ProfileRule } from './profile.js';
import { pseudoSyscallNumber, syscallNumber } from './tables.js';

export interface CompileOptions {
  /** Native architecture (libseccomp name); compat arches follow snap-seccomp unless given. */
  readonly arch: string;
  readonly compat?: readonly string[];
}

export interface CompiledProfile {
  readonly unrestricted: boolean;
  readonly complain: boolean;
  /** Native first, then compat. */
  readonly arches: readonly ArchInfo[];
  /** Default ERRNO(EPERM) (strict) or LOG (complain); allow rules return ALLOW. */
  readonly allow: readonly SockFilter[];
  /** Default ALLOW; `~` rules return ERRNO(EACCES). */
  readonly deny: readonly SockFilter[];
}

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

interface FilterSpec {
  readonly arches: readonly ArchInfo[];
  readonly rules: readonly ArchRule[][];
  readonly defaultAction: number;
  readonly ruleAction: number;
}

const BAD_ARCH_ACTION = SECCOMP_RET_KILL_THREAD;
const LOW_WORD = 0xffffffffn;
// Syscalls per leaf of the binary search over syscall numbers.
const LEAF_SIZE = 16;

const ld = (offset: number): AsmItem => ({ kind: 'stmt', code: BPF_LD | BPF_W | BPF_ABS, k: offset });
const ret = (action: number): AsmItem => ({ kind: 'stmt', code: BPF_RET | BPF_K, k: action });
const label = (name: string): AsmItem => ({ kind: 'label', name });
const jmp = (op: number, k: number, t: string, f: string): AsmItem => ({
  kind: 'jump',
  code: BPF_JMP | op | BPF_K,
  k: k >>> 0,
  t,
  f,
});

/** Offsets of the argument's 32-bit halves in seccomp_data for the arch's byte order. */
function argWordOffsets(arch: ArchInfo, index: number): { lo: number; hi: number } {
  const base = SECCOMP_DATA_ARGS + 8 * index;
  return arch.littleEndian ? { lo: base, hi: base + 4 } : { lo: base + 4, hi: base };
}

/** Code for one 32-bit word comparison; jumps to pass or fail. */
function compareWord(
  op: ArgCondition['op'],
  word: number,
  value: number,
  mask: number,
  pass: string,
  fail: string,
) {
  const items: AsmItem[] = [];
  if (op === 'masked-eq' && mask !== 0xffffffff)
    items.push({ kind: 'stmt', code: BPF_ALU | BPF_AND | BPF_K, k: mask });
  switch (op) {
    case 'eq':
    case 'masked-eq':
      items.push(jmp(BPF_JEQ, value, pass, fail));
      break;
    case 'ne':
      items.push(jmp(BPF_JEQ, value, fail, pass));
      break;
    case 'gt':
      items.push(jmp(BPF_JGT, value, pass, fail));
      break;
    case 'ge':
      items.push(jmp(BPF_JGE, value, pass, fail));
      break;
    case 'lt':
      items.push(jmp(BPF_JGE, value, fail, pass));
      break;
    case 'le':
      items.push(jmp(BPF_JGT, value, fail, pass));
      break;
  }
  return [ld(word), ...items];
}

/** Code testing one condition: 32-bit ABIs compare the low word, 64-bit ones hi then lo. */
function conditionCode(arch: ArchInfo, condition: ArgCondition, pass: string, fail: string, id: string) {
  const { lo, hi } = argWordOffsets(arch, condition.index);
  const value = condition.value;
  const mask = condition.mask ?? (1n << 64n) - 1n;
  const loValue = Number(value & LOW_WORD);
  const loMask = Number(mask & LOW_WORD);
  if (arch.bits === 32) return compareWord(condition.op, lo, loValue, loMask, pass, fail);
  const hiValue = Number((value >> 32n) & LOW_WORD);
  const hiMask = Number((mask >> 32n) & LOW_WORD);
  const checkLo = `${id}.lo`;
  const items: AsmItem[] = [ld(hi)];
  switch (condition.op) {
    case 'eq':
      items.push(jmp(BPF_JEQ, hiValue, checkLo, fail));
      break;
    case 'masked-eq':
      if (hiMask === 0 && hiValue === 0) return compareWord('masked-eq', lo, loValue, loMask, pass, fail);
      if (hiMask !== 0xffffffff) items.push({ kind: 'stmt', code: BPF_ALU | BPF_AND | BPF_K, k: hiMask });
      items.push(jmp(BPF_JEQ, hiValue, checkLo, fail));
      break;
    case 'ne':
      items.push(jmp(BPF_JEQ, hiValue, checkLo, pass));
      break;
    case 'gt':
    case 'ge':
      items.push(jmp(BPF_JGT, hiValue, pass, `${id}.hieq`), label(`${id}.hieq`));
      items.push(jmp(BPF_JEQ, hiValue, checkLo, fail));
      break;
    case 'lt':
    case 'le':
      items.push(jmp(BPF_JGT, hiValue, fail, `${id}.hieq`), label(`${id}.hieq`));
      items.push(jmp(BPF_JEQ, hiValue, checkLo, pass));
      break;
  }
  items.push(label(checkLo), ...compareWord(condition.op, lo, loValue, loMask, pass, fail));
  return items;
}

/** One syscall's rules: any rule whose conditions all hold returns the rule action. */
/**
 * Rules that only test one argument for equality (`socket AF_UNIX`, `socket AF_INET`, ...) share
 * one load of that argument and become a list of comparisons.
 */
function equalityGroups(rules: readonly ArchRule[]): {
  groups: Map<string, ArgCondition[]>;
  rest: ArchRule[];
} {
  const groups = new Map<string, ArgCondition[]>();
  const rest: ArchRule[] = [];
  for (const rule of rules) {
    const [only] = rule.conditions;
    if (rule.conditions.length !== 1 || only?.op !== 'eq') {
      rest.push(rule);
      continue;
    }
    const key = `${only.index}:${only.value >> 32n}`;
    const group = groups.get(key) ?? [];
    if (!group.some((known) => known.value === only.value)) group.push(only);
    groups.set(key, group);
  }
  return { groups, rest };
}

function equalityGroupCode(
  arch: ArchInfo,
  group: readonly ArgCondition[],
  matched: string,
  next: string,
  id: string,
) {
  const first = group[0]!;
  const { lo, hi } = argWordOffsets(arch, first.index);
  const items: AsmItem[] = [];
  if (arch.bits === 64) {
    items.push(
      ld(hi),
      jmp(BPF_JEQ, Number((first.value >> 32n) & LOW_WORD), `${id}.lo`, next),
      label(`${id}.lo`),
    );
  }
  items.push(ld(lo));
  group.forEach((condition, i) => {
    const otherwise = i + 1 < group.length ? `${id}.v${i + 1}` : next;
    items.push(jmp(BPF_JEQ, Number(condition.value & LOW_WORD), matched, otherwise));
    if (otherwise !== next) items.push(label(otherwise));
  });
  return items;
}

/** One syscall's rules: any rule whose conditions all hold returns the rule action. */
function syscallBlock(arch: ArchInfo, rules: readonly ArchRule[], id: string, spec: FilterSpec): AsmItem[] {
  if (rules.some((rule) => rule.conditions.length === 0)) return [ret(spec.ruleAction)];
  const items: AsmItem[] = [];
  const matched = `${id}.match`;
  const { groups, rest } = equalityGroups(rules);
  [...groups.values()].forEach((group, g) => {
    const next = `${id}.g${g + 1}`;
    items.push(...equalityGroupCode(arch, group, matched, next, `${id}.g${g}`), label(next));
  });
  rest.forEach((rule, r) => {
    const nextRule = `${id}.r${r + 1}`;
    rule.conditions.forEach((condition, c) => {
      const pass = c + 1 < rule.conditions.length ? `${id}.r${r}c${c + 1}` : matched;
      items.push(...conditionCode(arch, condition, pass, nextRule, `${id}.r${r}c${c}`));
      if (pass !== matched) items.push(label(pass));
    });
    items.push(label(nextRule));
  });
  items.push(ret(spec.defaultAction), label(matched), ret(spec.ruleAction));
  return items;
}

/** What a leaf of the dispatch needs: where a number goes, and the actions it may return locally. */
interface DispatchSpec {
  /** A label for syscalls with conditions; undefined when the rule action applies at once. */
  readonly blockOf: (nr: number) => string | undefined;
  readonly defaultAction: number;
  readonly ruleAction: number;
}

/**
 * Binary search over the sorted syscall numbers. Each leaf compares a few numbers for equality
 * and carries its own returns, so that most jumps stay short.
 */
function dispatch(numbers: readonly number[], spec: DispatchSpec, id: string): AsmItem[] {
  if (numbers.length > LEAF_SIZE) {
    const middle = Math.floor(numbers.length / 2);
    return [
      jmp(BPF_JGE, numbers[middle]!, `${id}.hi`, `${id}.lo`),
      label(`${id}.lo`),
      ...dispatch(numbers.slice(0, middle), spec, `${id}.lo`),
      label(`${id}.hi`),
      ...dispatch(numbers.slice(middle), spec, `${id}.hi`),
    ];
  }
  const [allow, fallback] = [`${id}.allow`, `${id}.default`];
  const items: AsmItem[] = [];
  let allowUsed = false;
  numbers.forEach((nr, i) => {
    const next = i + 1 < numbers.length ? `${id}.${i + 1}` : fallback;
    const block = spec.blockOf(nr);
    allowUsed ||= block === undefined;
    items.push(jmp(BPF_JEQ, nr, block ?? allow, next));
    if (i + 1 < numbers.length) items.push(label(next));
  });
  items.push(label(fallback), ret(spec.defaultAction));
  if (allowUsed) items.push(label(allow), ret(spec.ruleAction));
  return items;
}

function archBlock(arch: ArchInfo, rules: readonly ArchRule[], spec: FilterSpec): AsmItem[] {
  const id = arch.name;
  const byNumber = new Map<number, ArchRule[]>();
  for (const rule of rules) byNumber.set(rule.nr, [...(byNumber.get(rule.nr) ?? []), rule]);
  const numbers = [...byNumber.keys()].sort((a, b) => a - b);
  const unconditional = new Set(
    numbers.filter((nr) => byNumber.get(nr)!.some((r) => r.conditions.length === 0)),
  );
  const badLabel = `${id}.bad`;
  const items: AsmItem[] = [label(id), ld(SECCOMP_DATA_NR)];
  if (arch.name === 'x86_64') {
    // x32 numbers are refused like a foreign arch; -1 (a syscall skipped by a tracer) is not.
    items.push(jmp(BPF_JGE, X32_SYSCALL_BIT, `${id}.x32`, `${id}.native`), label(`${id}.x32`));
    items.push(jmp(BPF_JEQ, 0xffffffff, `${id}.native`, badLabel), label(`${id}.native`));
  }
  const blockOf = (nr: number): string | undefined => (unconditional.has(nr) ? undefined : `${id}.nr${nr}`);
  items.push(...dispatch(numbers, { blockOf, ...spec }, `${id}.d`));
  if (arch.name === 'x86_64') items.push(label(badLabel), ret(BAD_ARCH_ACTION));
  for (const nr of numbers) {
    if (unconditional.has(nr)) continue;
    items.push(label(`${id}.nr${nr}`), ...syscallBlock(arch, byNumber.get(nr)!, `${id}.nr${nr}`, spec));
  }
  return items;
}

function compileFilter(spec: FilterSpec): SockFilter[] {
  const items: AsmItem[] = [ld(SECCOMP_DATA_ARCH)];
  spec.arches.forEach((arch, i) => {
    items.push(jmp(BPF_JEQ, arch.auditArch, arch.name, `arch${i + 1}`), label(`arch${i + 1}`));
  });
  items.push(ret(BAD_ARCH_ACTION));
  spec.arches.forEach((arch, i) => items.push(...archBlock(arch, spec.rules[i]!, spec)));
  const program = assemble(items);
  if (program.length > BPF_MAXINSNS) {
    throw new Error(`compiled filter has ${program.length} instructions, more than ${BPF_MAXINSNS}`);
  }
  return program;
}

/** Resolves the native arch and its compat arches, as snap-seccomp's addSecondaryArches does. */
export function targetArches(options: CompileOptions): ArchInfo[] {
  const native = archByName(options.arch);
  if (native === undefined) throw new Error(`unknown architecture '${options.arch}'`);
  const compat = (options.compat ?? compatArches(native.name)).map((name) => {
    const info = archByName(name);
    if (info === undefined) throw new Error(`unknown architecture '${name}'`);
    return info;
  });
  return [native, ...compat];
}

/** Compiles a parsed profile into the allow and deny filters snap-confine loads. */
export function compileProfile(profile: Profile, options: CompileOptions): CompiledProfile {
  const arches = targetArches(options);
  const build = (deny: boolean, defaultAction: number, ruleAction: number): SockFilter[] =>
    compileFilter({
      arches,
      rules: arches.map((arch) =>
        archRules(
          profile.rules.filter((rule) => rule.deny === deny),
          arch,
        ),
      ),
      defaultAction,
      ruleAction,
    });
  const allowDefault = profile.complain ? SECCOMP_RET_LOG : ACTION_ERRNO_EPERM;
  return {
    unrestricted: profile.unrestricted,
    complain: profile.complain,
    arches,
    allow: profile.unrestricted ? [] : build(false, allowDefault, SECCOMP_RET_ALLOW),
    deny: profile.unrestricted ? [] : build(true, SECCOMP_RET_ALLOW, ACTION_ERRNO_EACCES),
  };
}
