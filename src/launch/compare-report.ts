/** strict against devmode: which denials only strict enforces, whether the runs differ, the verdict. */
import type { Denial } from '../model/denial.js';

/** The first bytes of one output stream, with enough to tell whole streams apart. */
export interface CapturedOutput {
  /** The first `limit` bytes, decoded as UTF-8. */
  readonly text: string;
  /** How many bytes the stream had in all. */
  readonly bytes: number;
  /** sha256 of the whole stream (hex), so outputs longer than the limit still compare exactly. */
  readonly digest: string;
}

export interface RunOutcome {
  readonly exit: number;
  readonly durationMs: number;
  readonly stdout: CapturedOutput;
  readonly stderr: CapturedOutput;
  /** The denials the launcher attributed to this run, enriched. */
  readonly denials: readonly Denial[];
}

export interface Comparison {
  readonly strict: RunOutcome;
  readonly devmode: RunOutcome;
  /** One denial per access strict refused that devmode did not refuse, in strict's order. */
  readonly onlyStrict: readonly Denial[];
  /** Same exit status and byte-identical stdout and stderr. */
  readonly same: boolean;
  readonly verdict: string;
}

/**
 * The later run's denials without the seccomp records of the earlier run's processes: the kernel
 * may print a record a moment late, while the later run's launcher reads the log, and it matches
 * records by an `exe=` under the snap too. Those processes are gone (the launcher kills its
 * cgroup), so a pid of theirs in the later run is theirs.
 */
export function withoutLateRecords(later: readonly Denial[], earlier: readonly Denial[]): Denial[] {
  const gone = new Set(earlier.flatMap((d) => (d.pid === undefined ? [] : [d.pid])));
  return later.filter((d) => d.kind !== 'seccomp' || d.pid === undefined || !gone.has(d.pid));
}

/** `seccomp ioprio_set`, `device c 10:235 (/dev/autofs)`: what was accessed, not by whom. */
export function accessName(denial: Denial): string {
  if (denial.kind === 'seccomp' && denial.syscall) {
    return `seccomp ${denial.syscall.name ?? `syscall ${denial.syscall.number}`}`;
  }
  if (denial.kind === 'cgroup' && denial.device) {
    const d = denial.device;
    return `device ${d.type} ${d.major}:${d.minor}${d.name ? ` (${d.name})` : ''}`;
  }
  const object = [denial.operation, denial.path ?? denial.capname ?? denial.family].filter(Boolean).join(' ');
  return `${denial.kind} ${object || denial.log}`;
}

const refused = (denial: Denial): boolean => denial.decision === 'DENIED';

/** The accesses refused in strict's run and not refused in devmode's (devmode only logs them). */
export function onlyStrict(strict: readonly Denial[], devmode: readonly Denial[]): Denial[] {
  const refusedInDevmode = new Set(devmode.filter(refused).map(accessName));
  const seen = new Set<string>();
  const out: Denial[] = [];
  for (const denial of strict.filter(refused)) {
    const name = accessName(denial);
    if (refusedInDevmode.has(name) || seen.has(name)) continue;
    seen.add(name);
    out.push(denial);
  }
  return out;
}

/** Each distinct first suggestion of the denials: an interface's name, or the advice's id. */
export function suggestedFixes(denials: readonly Denial[]): string[] {
  const fixes = new Set<string>();
  for (const denial of denials) {
    const first = (denial.suggestions ?? []).find((s) => s.kind !== 'none');
    if (first) fixes.add(first.kind === 'interface' ? `plug ${first.id}` : `advice ${first.id}`);
  }
  return [...fixes];
}

function outputDifference(strict: RunOutcome, devmode: RunOutcome): string | undefined {
  const streams = (['stdout', 'stderr'] as const).filter((s) => strict[s].digest !== devmode[s].digest);
  return streams.length === 0
    ? undefined
    : `${streams.join(' and ')} differ${streams.length === 1 ? 's' : ''}`;
}

/** The verdict sentence: how strict's run differs, what only strict refused, what would allow it. */
export function verdict(strict: RunOutcome, devmode: RunOutcome, only: readonly Denial[]): string {
  const output = outputDifference(strict, devmode);
  const exits =
    strict.exit === devmode.exit
      ? `strict exits ${strict.exit} like devmode`
      : `strict exits ${strict.exit} where devmode exits ${devmode.exit}`;
  const head =
    strict.exit === devmode.exit && output === undefined
      ? `strict behaves like devmode (both exit ${strict.exit}, same output)`
      : output === undefined
        ? exits
        : `${exits}${strict.exit === devmode.exit ? ', but' : ', and'} ${output}`;
  if (only.length === 0) return `${head}; strict refused nothing devmode allowed`;
  const fixes = suggestedFixes(only);
  return (
    `${head}; the denials only strict enforces: ${only.map(accessName).join(', ')}` +
    `; suggested: ${fixes.length > 0 ? fixes.join(', ') : 'nothing known'}`
  );
}

export function compareRuns(strict: RunOutcome, devmode: RunOutcome): Comparison {
  const only = onlyStrict(strict.denials, devmode.denials);
  const same =
    strict.exit === devmode.exit &&
    strict.stdout.digest === devmode.stdout.digest &&
    strict.stderr.digest === devmode.stderr.digest;
  return { strict, devmode, onlyStrict: only, same, verdict: verdict(strict, devmode, only) };
}

/** compare's exit status: 0 when both runs behave the same, 1 when strict differs. */
export function compareStatus(comparison: Comparison): number {
  return comparison.same ? 0 : 1;
}
