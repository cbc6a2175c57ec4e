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
import type { ArgCondition, Profile } from './profile.js';

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

const conditionKey = (c: ArgCondition): string => `${c.index}:${c.op}:${c.value}:${c.mask ?? ''}`;

/**
 * Code for "any of these condition lists holds" as a decision tree: lists sharing their first
 * condition test it once (`socket AF_NETLINK - NETLINK_*`), single equalities on one argument
 * share one load. Jumps to `matched` when a list holds; falls through when none does.
 */
function anyListHolds(
  arch: ArchInfo,
  lists: readonly (readonly ArgCondition[])[],
  matched: string,
  id: string,
): AsmItem[] {
  if (lists.some((conditions) => conditions.length === 0)) return [{ kind: 'ja', target: matched }];
  const items: AsmItem[] = [];
  const { groups, rest } = equalityGroups(lists);
  [...groups.values()].forEach((group, g) => {
    const next = `${id}.e${g}`;
    items.push(...equalityGroupCode(arch, group, matched, next, `${id}.e${g}`), labelAt(next));
  });
  const byFirst = new Map<string, { first: ArgCondition; tails: (readonly ArgCondition[])[] }>();
  for (const [first, ...tail] of rest) {
    const entry = byFirst.get(conditionKey(first!)) ?? { first: first!, tails: [] };
    entry.tails.push(tail);
    byFirst.set(conditionKey(first!), entry);
  }
  [...byFirst.values()].forEach(({ first, tails }, g) => {
    const [pass, next] = [`${id}.p${g}`, `${id}.n${g}`];
    items.push(...conditionCode(arch, first, pass, next, `${id}.c${g}`), labelAt(pass));
    items.push(...anyListHolds(arch, tails, matched, `${id}.t${g}`), labelAt(next));
  });
  return items;
}

/** One syscall's rules: any rule whose conditions all hold returns the rule action. */
function syscallBlock(arch: ArchInfo, rules: readonly ArchRule[], id: string, spec: FilterSpec): AsmItem[] {
  if (rules.some((rule) => rule.conditions.length === 0)) return [returnAction(spec.ruleAction)];
  const matched = `${id}.match`;
  return [
    ...anyListHolds(
      arch,
      rules.map((rule) => rule.conditions),
      matched,
      id,
    ),
    returnAction(spec.defaultAction),
    labelAt(matched),
    returnAction(spec.ruleAction),
  ];
}

/** What a leaf of the dispatch needs: where a number goes, and the actions it may return locally. */
interface DispatchSpec {
  /** Code for a syscall with conditions; undefined when the rule action applies at once. */
  readonly blockOf: (nr: number) => AsmItem[] | undefined;
  readonly defaultAction: number;
  readonly ruleAction: number;
}

/**
 * Binary search over the sorted syscall numbers. Each leaf compares a few numbers for equality
 * and carries its own returns and argument checks, so that most jumps stay short.
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
  const blocks: AsmItem[] = [];
  let allowUsed = false;
  numbers.forEach((nr, i) => {
    const next = i + 1 < numbers.length ? `${id}.${i + 1}` : fallback;
    const block = spec.blockOf(nr);
    allowUsed ||= block === undefined;
    items.push(jumpIf(BPF_JEQ, nr, block ? `${id}.nr${nr}` : allow, next));
    if (i + 1 < numbers.length) items.push(labelAt(next));
    if (block) blocks.push(labelAt(`${id}.nr${nr}`), ...block);
  });
  items.push(labelAt(fallback), returnAction(spec.defaultAction));
  if (allowUsed) items.push(labelAt(allow), returnAction(spec.ruleAction));
  return [...items, ...blocks];
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
  const blockOf = (nr: number): AsmItem[] | undefined =>
    unconditional.has(nr) ? undefined : syscallBlock(arch, byNumber.get(nr)!, `${id}.nr${nr}`, spec);
  items.push(...dispatch(numbers, { blockOf, ...spec }, `${id}.d`));
  if (arch.name === 'x86_64') items.push(labelAt(badLabel), returnAction(BAD_ARCH_ACTION));
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
