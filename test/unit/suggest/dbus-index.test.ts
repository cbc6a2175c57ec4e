import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Denial } from '../../../src/model/denial.js';
import { parseLine } from '../../../src/parse/index.js';
import { Enricher } from '../../../src/scan/enrich.js';
import { dbusMatches } from '../../../src/suggest/dbus-index.js';
import { loadRules } from '../../../src/suggest/index.js';
import { matchDbus } from '../../../src/suggest/match-dbus.js';
import { matchContext } from '../../../src/suggest/match-types.js';
import type { InterfaceRule } from '../../../src/suggest/rules.js';
import { variablesFor } from '../../../src/suggest/variables.js';

const rules = loadRules();
const providers = rules.interfaces.flatMap((rule) => (rule.providerRule ? [rule.providerRule] : []));
const grants = [...rules.interfaces, ...providers].flatMap((rule) => rule.dbus);
const namer = new Enricher();

function dbusDenial(line: string): Denial {
  const parsed = parseLine(line);
  if (parsed.kind !== 'denial') throw new Error(`not a denial: ${line}`);
  return namer.enrich(parsed.denial);
}

/** Rule by rule, as the unindexed engine asks: the reference the one-pass lookup must equal. */
function ruleByRule(denial: Denial, list: readonly InterfaceRule[]) {
  const ctx = matchContext(denial, variablesFor(denial));
  return list.map((rule) => matchDbus(ctx, rule)).filter((result) => result !== undefined);
}

/** A grant's value with its wildcards taken out, a near miss of it, or an unrelated word. */
function near(values: readonly (string | undefined)[]) {
  const literal = values.filter((v): v is string => v !== undefined);
  return fc.oneof(
    fc.constantFrom(...literal),
    fc.constantFrom(...literal).map((v) => v.replace(/[*{}[\]@?]/g, '')),
    fc.constantFrom(...literal).map((v) => `${v}x`),
    fc.stringMatching(/^[a-zA-Z0-9._/-]{1,12}$/),
  );
}

describe('the D-Bus grant index', () => {
  it('finds what matchDbus finds rule by rule, for the plug and the slot sides', () => {
    const message = fc.record({
      snap: fc.constantFrom('foo', 'lxd', 'network-manager', 'gnome-shell', 'vlc'),
      bus: fc.constantFrom('system', 'session', ''),
      path: near(grants.map((g) => g.path)),
      iface: fc.oneof(near(grants.map((g) => g.interface)), fc.constant('')),
      member: near(grants.map((g) => g.member)),
      name: fc.oneof(near(grants.map((g) => g.name ?? g.peerName)), fc.constant(':1.42')),
      mask: fc.constantFrom('send', 'receive', 'bind', 'eavesdrop', 'send receive'),
      operation: fc.constantFrom('dbus_method_call', 'dbus_signal', 'dbus_bind', 'dbus_eavesdrop'),
      peer: fc.constantFrom('unconfined', 'snap.foo.app', 'snap.lxd.daemon', ''),
    });
    let matched = 0;
    fc.assert(
      fc.property(message, (m) => {
        const fields = [
          m.bus && `bus="${m.bus}"`,
          `path="${m.path}"`,
          m.iface && `interface="${m.iface}"`,
          `member="${m.member}"`,
          `mask="${m.mask}"`,
          `name="${m.name}"`,
          `pid=9 label="snap.${m.snap}.app"`,
          m.peer && `peer_pid=1 peer_label="${m.peer}"`,
        ].filter(Boolean);
        const line = `audit: type=1107 audit(1.2:3): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='apparmor="DENIED" operation="${m.operation}" ${fields.join(' ')}'`;
        const denial = dbusDenial(line);
        const ctx = matchContext(denial, variablesFor(denial));
        for (const list of [rules.interfaces, providers]) {
          const found = dbusMatches(ctx, list);
          expect(found, line).toEqual(ruleByRule(denial, list));
          matched += found.length;
        }
      }),
      { numRuns: 2_000 },
    );
    // Most messages are built from the grants' own values: the lookup is tried on real hits.
    expect(matched).toBeGreaterThan(500);
  });
});
