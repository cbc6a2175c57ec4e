import { archByName, compatArches, X32_SYSCALL_BIT, type ArchInfo } from './arch.js';
import {
  ACTION_ERRNO_EACCES,
  ACTION_ERRNO_EPERM,
  assemble,
  BPF_JEQ,
  BPF_JGE,
  BPF_MAXINSNS,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_NR,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  jumpIf,
  labelAt,
  loadWord,
  returnAction,
  type AsmItem,
  type SockFilter,
} from './bpf.js';
import { archRules, type ArchRule } from './arch-rules.js';
import { conditionCode, equalityGroupCode, equalityGroups } from './compile-args.js';
import type { Profile } from './profile.js';

export type { ArchRule };
export { archRules };

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

interface FilterSpec {
  readonly arches: readonly ArchInfo[];
  readonly rules: readonly ArchRule[][];
  readonly defaultAction: number;
  readonly ruleAction: number;
}

const BAD_ARCH_ACTION = SECCOMP_RET_KILL_THREAD;
// Syscalls per leaf of the binary search over syscall numbers.
const LEAF_SIZE = 16;

/** One syscall's rules: any rule whose conditions all hold returns the rule action. */
function syscallBlock(arch: ArchInfo, rules: readonly ArchRule[], id: string, spec: FilterSpec): AsmItem[] {
  if (rules.some((rule) => rule.conditions.length === 0)) return [returnAction(spec.ruleAction)];
  const items: AsmItem[] = [];
  const matched = `${id}.match`;
  const { groups, rest } = equalityGroups(rules);
  [...groups.values()].forEach((group, g) => {
    const next = `${id}.g${g + 1}`;
    items.push(...equalityGroupCode(arch, group, matched, next, `${id}.g${g}`), labelAt(next));
  });
  rest.forEach((rule, r) => {
    const nextRule = `${id}.r${r + 1}`;
    rule.conditions.forEach((condition, c) => {
      const pass = c + 1 < rule.conditions.length ? `${id}.r${r}c${c + 1}` : matched;
      items.push(...conditionCode(arch, condition, pass, nextRule, `${id}.r${r}c${c}`));
      if (pass !== matched) items.push(labelAt(pass));
    });
    items.push(labelAt(nextRule));
  });
  items.push(returnAction(spec.defaultAction), labelAt(matched), returnAction(spec.ruleAction));
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
      jumpIf(BPF_JGE, numbers[middle]!, `${id}.hi`, `${id}.lo`),
      labelAt(`${id}.lo`),
      ...dispatch(numbers.slice(0, middle), spec, `${id}.lo`),
      labelAt(`${id}.hi`),
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
    items.push(jumpIf(BPF_JEQ, nr, block ?? allow, next));
    if (i + 1 < numbers.length) items.push(labelAt(next));
  });
  items.push(labelAt(fallback), returnAction(spec.defaultAction));
  if (allowUsed) items.push(labelAt(allow), returnAction(spec.ruleAction));
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
  const items: AsmItem[] = [labelAt(id), loadWord(SECCOMP_DATA_NR)];
  if (arch.name === 'x86_64') {
    // x32 numbers are refused like a foreign arch; -1 (a syscall skipped by a tracer) is not.
    items.push(jumpIf(BPF_JGE, X32_SYSCALL_BIT, `${id}.x32`, `${id}.native`), labelAt(`${id}.x32`));
    items.push(jumpIf(BPF_JEQ, 0xffffffff, `${id}.native`, badLabel), labelAt(`${id}.native`));
  }
  const blockOf = (nr: number): string | undefined => (unconditional.has(nr) ? undefined : `${id}.nr${nr}`);
  items.push(...dispatch(numbers, { blockOf, ...spec }, `${id}.d`));
  if (arch.name === 'x86_64') items.push(labelAt(badLabel), returnAction(BAD_ARCH_ACTION));
  for (const nr of numbers) {
    if (unconditional.has(nr)) continue;
    items.push(labelAt(`${id}.nr${nr}`), ...syscallBlock(arch, byNumber.get(nr)!, `${id}.nr${nr}`, spec));
  }
  return items;
}

function compileFilter(spec: FilterSpec): SockFilter[] {
  const items: AsmItem[] = [loadWord(SECCOMP_DATA_ARCH)];
  spec.arches.forEach((arch, i) => {
    items.push(jumpIf(BPF_JEQ, arch.auditArch, arch.name, `arch${i + 1}`), labelAt(`arch${i + 1}`));
  });
  items.push(returnAction(BAD_ARCH_ACTION));
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
