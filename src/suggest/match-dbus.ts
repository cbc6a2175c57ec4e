import type { DbusFields, Denial } from '../model/denial.js';
import { globAccepts, type GlobVariables } from './glob.js';
import { full, globOk, type MatchContext, type MatchResult } from './match-types.js';
import type { DbusGrant, InterfaceRule } from './rules.js';

/** A D-Bus denial's message fields and the accesses it wants, worked out once for every grant. */
export interface DbusQuery {
  readonly denial: Denial;
  readonly dbus: DbusFields;
  readonly wanted: readonly string[];
  readonly bind: boolean;
  readonly variables: GlobVariables;
}

export function dbusQuery(ctx: MatchContext): DbusQuery {
  const d = ctx.denial;
  const dbus = d.dbus ?? {};
  return {
    denial: d,
    dbus,
    wanted: (dbus.mask ?? d.deniedMask ?? d.requestedMask ?? '').split(/\s+/).filter(Boolean),
    bind: dbus.mask === 'bind' || d.operation === 'dbus_bind',
    variables: ctx.variables,
  };
}

export function matchDbus(ctx: MatchContext, rule: InterfaceRule): MatchResult {
  const query = dbusQuery(ctx);
  return dbusResult(
    rule,
    rule.dbus.filter((g) => dbusGrantAllows(g, query)),
    query,
  );
}

/** Whether one D-Bus grant allows the message (every condition it states holds). */
export function dbusGrantAllows(
  g: DbusGrant,
  { denial: d, dbus, wanted, bind, variables }: DbusQuery,
): boolean {
  return (
    (!g.bus || !dbus.bus || g.bus === dbus.bus) &&
    globOk(g.path, dbus.path, variables) &&
    globOk(g.interface, dbus.interface, variables) &&
    globOk(g.member, dbus.member, variables) &&
    (bind ? globOk(g.name, dbus.name, variables) : peerNameOk(g.peerName, dbus.name, variables)) &&
    (!g.peerLabel || !d.peerLabel || globAccepts(g.peerLabel, d.peerLabel, variables)) &&
    (g.access.length === 0 || wanted.every((w) => g.access.includes(w)))
  );
}

/** The rule's match from its grants that allow the message (in the rule's order), or undefined. */
export function dbusResult(
  rule: InterfaceRule,
  allowing: readonly DbusGrant[],
  { dbus }: DbusQuery,
): MatchResult {
  const grant = mostSpecific(allowing);
  if (!grant) return undefined;
  const target = dbus.name ?? [dbus.interface, dbus.member].filter(Boolean).join('.');
  // Restricted only by peer label (`peer=(label=unconfined)`): every system service qualifies.
  if (grant.attribute) {
    const reason = `its template rule covers ${target} only when a plug names it under '${grant.attribute}'`;
    return { ...full(rule, reason, 0, 0), incidental: true };
  }
  if (!grant.path && !grant.interface && !grant.member && !grant.name && !grant.peerName) {
    return { ...full(rule, `only its unrestricted D-Bus rule covers ${target}`, 0, 0), incidental: true };
  }
  const parts = [grant.bus, grant.path, grant.interface, grant.member, grant.name].filter(Boolean);
  return full(rule, `dbus rule "${parts.join(' ')}" matched ${target}`, dbusExactness(grant), 0);
}

function dbusExactness(g: DbusGrant): number {
  if (g.attribute) return -1;
  if (g.member && !/[*{]/.test(g.member)) return 3;
  if (g.interface || g.member || g.name || g.peerName) return 2;
  return g.path ? 1 : 0;
}

/** Several D-Bus rules can cover a message; the most specific one explains it best. */
function mostSpecific(grants: readonly DbusGrant[]): DbusGrant | undefined {
  let best: DbusGrant | undefined;
  for (const g of grants) if (!best || dbusExactness(g) > dbusExactness(best)) best = g;
  return best;
}

/** A unique name (:1.42) in the log cannot be checked against a well-known peer name. */
function peerNameOk(glob: string | undefined, name: string | undefined, variables: GlobVariables): boolean {
  if (glob === undefined || name === undefined || name.startsWith(':')) return true;
  return globAccepts(glob, name, variables);
}
