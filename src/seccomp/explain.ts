import type { ArchInfo } from './arch.js';
import { actionName, SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_LOG } from './bpf.js';
import { archRules, compileProfile, targetArches, type ArchRule, type CompiledProfile } from './compile.js';
import type { ArgCondition, Profile, ProfileRule } from './profile.js';
import { simulate } from './simulate.js';
import { syscallName, syscallNumber } from './tables.js';

export interface ExplainRequest {
  /** Native architecture the profile is compiled for (libseccomp name). */
  readonly arch: string;
  /** The arch the call is made on; defaults to the native one (e.g. `x86` for compat calls). */
  readonly callArch?: string;
  /** Name, or the kernel's number on callArch. */
  readonly syscall: string | number;
  readonly args: readonly bigint[];
  /** How the arguments were written, for the message (defaults to their decimal values). */
  readonly argLabels?: readonly string[];
}

export interface FailedRule {
  readonly rule: ProfileRule;
  readonly condition: ArgCondition;
  readonly actual: bigint;
}

export interface Explanation {
  /** The kernel's verdict: the most restrictive of the deny and allow filters' actions. */
  readonly action: number;
  /** ALLOW or LOG. */
  readonly allowed: boolean;
  readonly syscall: string;
  readonly nr: number;
  readonly arch: ArchInfo;
  /** The rule that decided: an allow rule that matched, or a `~` rule that denied. */
  readonly decidedBy?: ProfileRule;
  /** Rules for this syscall that did not match, each with the first condition that failed. */
  readonly failed: readonly FailedRule[];
  /** One line: `denied: socket(AF_NETLINK) on x86_64 — no rule allows it; line 212 ...`. */
  readonly text: string;
}

const LOW_WORD = 0xffffffffn;
const MAX_REASONS = 3;

/** allowed, allowed (logged), denied (EPERM), denied (EACCES), denied (KILL_THREAD), ... */
function verdictOf(action: number): string {
  if (action === SECCOMP_RET_ALLOW) return 'allowed';
  if (action === SECCOMP_RET_LOG) return 'allowed (logged)';
  const name = actionName(action);
  const errno = /^ERRNO\((\d+)\)$/.exec(name)?.[1];
  return `denied (${errno === '1' ? 'EPERM' : errno === '13' ? 'EACCES' : name})`;
}

/** Whether the condition holds; 32-bit ABIs compare the low words only, as the filter does. */
export function conditionHolds(condition: ArgCondition, arg: bigint, bits: 32 | 64): boolean {
  const width = bits === 32 ? LOW_WORD : (1n << 64n) - 1n;
  const actual = arg & width;
  const value = condition.value & width;
  switch (condition.op) {
    case 'eq':
      return actual === value;
    case 'ne':
      return actual !== value;
    case 'lt':
      return actual < value;
    case 'le':
      return actual <= value;
    case 'gt':
      return actual > value;
    case 'ge':
      return actual >= value;
    case 'masked-eq':
      return (actual & (condition.mask ?? width) & width) === value;
  }
}

const OPERATORS: Readonly<Record<Exclude<ArgCondition['op'], 'masked-eq'>, string>> = {
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

/** `arg0 == 1`, `(arg2 & 0x800) == 0x800`, with the profile's symbol when it used one. */
export function describeCondition(condition: ArgCondition): string {
  const arg = `arg${condition.index}`;
  const written = condition.token.replace(/^(>=|<=|!|<|>|\|)/, '');
  const symbol = /[A-Z_]/.test(written) ? ` (${written})` : '';
  if (condition.op === 'masked-eq') {
    const hex = (v: bigint): string => `0x${v.toString(16)}`;
    return `(${arg} & ${hex(condition.mask ?? 0n)}) == ${hex(condition.value)}${symbol}`;
  }
  return `${arg} ${OPERATORS[condition.op]} ${condition.value}${symbol}`;
}

function firstFailure(rule: ArchRule, args: readonly bigint[], bits: 32 | 64): FailedRule | undefined {
  for (const condition of rule.conditions) {
    const actual = args[condition.index] ?? 0n;
    if (!conditionHolds(condition, actual, bits)) return { rule: rule.rule, condition, actual };
  }
  return undefined;
}

/** Signed comparison of the action bits, as the kernel picks among stacked filters. */
function moreRestrictive(a: number, b: number): number {
  return (a & SECCOMP_RET_ACTION_FULL) >> 0 <= (b & SECCOMP_RET_ACTION_FULL) >> 0 ? a : b;
}

function resolveCall(request: ExplainRequest, arch: ArchInfo): { name: string; nr: number } {
  if (typeof request.syscall === 'number') {
    const name = syscallName(arch.name, request.syscall);
    if (name === undefined) throw new Error(`${request.syscall} is not a syscall number on ${arch.name}`);
    return { name, nr: request.syscall };
  }
  const nr = syscallNumber(arch.name, request.syscall);
  if (nr === undefined) throw new Error(`'${request.syscall}' is not a syscall on ${arch.name}`);
  return { name: request.syscall, nr };
}

const compiledProfiles = new WeakMap<Profile, Map<string, CompiledProfile>>();

function compiledFor(profile: Profile, arch: string): CompiledProfile {
  const byArch = compiledProfiles.get(profile) ?? new Map<string, CompiledProfile>();
  compiledProfiles.set(profile, byArch);
  let compiled = byArch.get(arch);
  if (compiled === undefined) {
    compiled = compileProfile(profile, { arch });
    byArch.set(arch, compiled);
  }
  return compiled;
}

/** Which line of the profile allows or denies one call, and why; the action comes from the BPF. */
export function explainCall(profile: Profile, request: ExplainRequest): Explanation {
  const arches = targetArches({ arch: request.arch });
  const arch = arches.find((a) => a.name === (request.callArch ?? request.arch));
  if (arch === undefined)
    throw new Error(`the filter for ${request.arch} does not cover ${request.callArch}`);
  const { name, nr } = resolveCall(request, arch);
  const labels = request.args.map((arg, i) => request.argLabels?.[i] ?? String(arg));
  const call = `${name}(${labels.join(', ')}) on ${arch.name}`;
  const base = { syscall: name, nr, arch };
  if (profile.unrestricted) {
    return {
      ...base,
      action: SECCOMP_RET_ALLOW,
      allowed: true,
      failed: [],
      text: `allowed: ${call} — the profile is @unrestricted`,
    };
  }
  const compiled = compiledFor(profile, request.arch);
  const data = { nr, arch: arch.auditArch, args: request.args };
  const action = moreRestrictive(simulate(compiled.deny, data).action, simulate(compiled.allow, data).action);
  const allowed = action === SECCOMP_RET_ALLOW || action === SECCOMP_RET_LOG;
  const verdict = verdictOf(action);
  const matching = (deny: boolean) =>
    archRules(
      profile.rules.filter((rule) => rule.deny === deny),
      arch,
    ).filter((rule) => rule.nr === nr);
  const quote = (rule: ProfileRule): string => `line ${rule.line} '${rule.text.trim()}'`;
  const denier = matching(true).find((rule) => firstFailure(rule, request.args, arch.bits) === undefined);
  if (denier) {
    return {
      ...base,
      action,
      allowed,
      decidedBy: denier.rule,
      failed: [],
      text: `${verdict}: ${call} — ${quote(denier.rule)} denies it`,
    };
  }
  const allowRules = matching(false);
  const allower = allowRules.find((rule) => firstFailure(rule, request.args, arch.bits) === undefined);
  if (allower) {
    return {
      ...base,
      action,
      allowed,
      decidedBy: allower.rule,
      failed: [],
      text: `${verdict}: ${call} — ${quote(allower.rule)}`,
    };
  }
  const failed = allowRules.flatMap((rule) => firstFailure(rule, request.args, arch.bits) ?? []);
  const reasons = failed
    .slice(0, MAX_REASONS)
    .map((f) => `${quote(f.rule)} requires ${describeCondition(f.condition)}`);
  if (failed.length > MAX_REASONS)
    reasons.push(`${failed.length - MAX_REASONS} more '${name}' rules do not match`);
  const mode = profile.complain ? ' (complain mode: logged only)' : '';
  const text = [`${verdict}: ${call} — no rule allows it${mode}`, ...reasons].join('; ');
  return { ...base, action, allowed, failed, text };
}
