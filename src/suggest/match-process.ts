import { deniedWords } from './access.js';
import { globAccepts } from './glob.js';
import { full, globExactness, literalLength, type MatchContext, type MatchResult } from './match-types.js';
import type { InterfaceRule, PeerGrant, SeccompGrant } from './rules.js';

export function matchCapability(ctx: MatchContext, rule: InterfaceRule): MatchResult {
  const cap = ctx.denial.capname;
  if (!cap) return undefined;
  if (rule.capability.includes(cap)) return full(rule, `capability rule "capability ${cap}" matched`, 2, 0);
  if (rule.capability.includes('*'))
    return full(rule, `capability rule "capability" (all) matched ${cap}`, 0, 0);
  return undefined;
}

export function matchPeer(
  ctx: MatchContext,
  rule: InterfaceRule,
  grants: readonly PeerGrant[],
  what: string,
): MatchResult {
  const d = ctx.denial;
  const wanted = deniedWords(d);
  const peer = d.peer ?? d.peerLabel;
  const grant = grants.find(
    (g) =>
      (g.access.length === 0 || wanted.every((w) => g.access.includes(w) || impliedAccess(g.access, w))) &&
      (g.signal.length === 0 || !d.signal || g.signal.includes(d.signal)) &&
      (!g.peer || (peer !== undefined && globAccepts(g.peer, peer, ctx.variables))),
  );
  if (!grant) return undefined;
  const reason = `${what} rule (${grant.access.join(', ') || 'any'}) peer=${grant.peer ?? 'any'} matched ${peer ?? 'the peer'}`;
  return full(rule, reason, grant.peer ? globExactness(grant.peer) : 1, literalLength(grant.peer ?? ''));
}

/** ptrace "trace" includes "read"; "tracedby" includes "readby". */
function impliedAccess(granted: readonly string[], wanted: string): boolean {
  return (
    (wanted === 'read' && granted.includes('trace')) || (wanted === 'readby' && granted.includes('tracedby'))
  );
}

export function matchSyscall(ctx: MatchContext, rule: InterfaceRule): MatchResult {
  const name = ctx.denial.syscall?.name;
  if (!name) return undefined;
  const lines = rule.seccomp.filter((s) => s.syscall === name);
  if (lines.length === 0) return undefined;
  const unconditional = lines.find((s) => s.args.every((a) => a === '-'));
  const line: SeccompGrant = unconditional ?? lines[0]!;
  const reason = unconditional
    ? `seccomp rule "${line.line}" allows ${name}`
    : `seccomp rule "${line.line}" allows ${name} with these arguments only (the log does not show them)`;
  return full(rule, reason, unconditional ? 3 : 1, 0);
}
