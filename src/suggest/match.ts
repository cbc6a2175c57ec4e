import { dbusMatches } from './dbus-index.js';
import { matchDbus } from './match-dbus.js';
import { matchDevice } from './match-device.js';
import { fileMatches, matchFile, matchMount } from './match-file.js';
import { matchNetwork, matchUnix } from './match-net.js';
import { matchCapability, matchPeer, matchSyscall } from './match-process.js';
import { full, type MatchContext, type MatchResult } from './match-types.js';
import type { InterfaceRule } from './rules.js';

export {
  isFullMatch,
  matchContext,
  reviewBarrier,
  type InterfaceMatch,
  type MatchContext,
  type MatchResult,
  type PartialMatch,
} from './match-types.js';

/** Whether, and how precisely, the interface's connected-plug policy allows the denied access. */
export function matchInterface(ctx: MatchContext, rule: InterfaceRule): MatchResult {
  switch (ctx.kind) {
    case 'file':
      return matchFile(ctx, rule, ctx.denial.path ?? '');
    case 'capability':
      return matchCapability(ctx, rule);
    case 'network':
      return matchNetwork(ctx, rule);
    case 'unix':
      return matchUnix(ctx, rule);
    case 'dbus':
      return matchDbus(ctx, rule);
    case 'signal':
      return matchPeer(ctx, rule, rule.signal, 'signal');
    case 'ptrace':
      return matchPeer(ctx, rule, rule.ptrace, 'ptrace');
    case 'mount':
      return matchMount(ctx, rule);
    case 'userns':
      return rule.userns ? full(rule, 'allows creating user namespaces (userns)', 2, 0) : undefined;
    case 'syscall':
      return matchSyscall(ctx, rule);
    case 'device':
      return matchDevice(ctx, rule);
    default:
      return undefined;
  }
}

/**
 * What matchInterface gives for each of `rules` that matches a file or D-Bus denial, found in one
 * pass over the rules' indexes; undefined for other kinds, and when every rule is to be checked
 * in full (ctx.exhaustive).
 */
export function onePassMatches(
  ctx: MatchContext,
  rules: readonly InterfaceRule[],
): MatchResult[] | undefined {
  if (ctx.exhaustive) return undefined;
  if (ctx.kind === 'file') return fileMatches(ctx, rules);
  if (ctx.kind === 'dbus') return dbusMatches(ctx, rules);
  return undefined;
}
