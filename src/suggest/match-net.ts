import { deniedWords } from './access.js';
import {
  full,
  globExactness,
  globOk,
  literalLength,
  type MatchContext,
  type MatchResult,
} from './match-types.js';
import { netlinkProtocolName } from './netlink.js';
import type { InterfaceRule } from './rules.js';

export function matchNetwork(ctx: MatchContext, rule: InterfaceRule): MatchResult {
  const { family, sockType, protocol } = ctx.denial;
  if (!family) return undefined;
  const grant = rule.network.find(
    (g) => (!g.family || g.family === '*' || g.family === family) && (!g.type || g.type === sockType),
  );
  if (!grant) return undefined;
  const text = ['network', grant.family ?? '', grant.type ?? ''].filter(Boolean).join(' ');
  const netlink = family === 'netlink' && protocol !== undefined ? netlinkProtocolName(protocol) : undefined;
  if (netlink) {
    const lines = rule.seccomp.filter((s) => s.syscall === 'socket' && s.args[0] === 'AF_NETLINK');
    const allowing = lines.find((s) => s.args[2] === undefined || s.args[2] === '-' || s.args[2] === netlink);
    if (lines.length > 0 && !allowing) {
      return { rule, reason: `"${text}" matches but its seccomp rules do not allow ${netlink} sockets` };
    }
    if (allowing) {
      return full(
        rule,
        `network rule "${text}" and seccomp rule "${allowing.line}" matched ${netlink}`,
        3,
        0,
      );
    }
  }
  const exactness = grant.family && grant.family !== '*' ? (grant.type ? 2 : 1) : 0;
  const what = [family, sockType].filter(Boolean).join(' ');
  return full(rule, `network rule "${text}" matched ${what}`, exactness, 0);
}

export function matchUnix(ctx: MatchContext, rule: InterfaceRule): MatchResult {
  const d = ctx.denial;
  const wanted = deniedWords(d);
  const grant = rule.unix.find(
    (g) =>
      (!g.type || !d.sockType || g.type === d.sockType) &&
      globOk(g.addr, d.addr, ctx.variables) &&
      globOk(g.peerAddr, d.peerAddr, ctx.variables) &&
      (g.access.length === 0 || wanted.every((w) => g.access.includes(w))),
  );
  if (!grant) return undefined;
  const reason = `unix rule${grant.addr ? ` addr="${grant.addr}"` : ''} matched ${d.addr ?? d.peerAddr ?? 'the socket'}`;
  const unrestricted = !grant.addr && !grant.peerAddr && !grant.type && grant.access.length === 0;
  const exactness = grant.addr ? globExactness(grant.addr) : unrestricted ? 0 : 1;
  return full(rule, reason, exactness, literalLength(grant.addr ?? ''));
}
