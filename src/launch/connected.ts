/** The connected plugs of a snap: from snapd where it runs, else from our store and rules/. */
import { plugStates, type PlugState } from '../snap/connections.js';
import type { SnapMeta } from '../snap/snap-yaml.js';
import type { RuleSet } from '../suggest/rules.js';
import { ConnectionStore, snapdConnectedPlugs } from './connection-store.js';

export interface Connections {
  readonly from: 'snapd' | 'local';
  readonly plugs: readonly PlugState[];
}

export async function snapConnections(
  meta: SnapMeta,
  rules: RuleSet,
  store = new ConnectionStore(),
): Promise<Connections> {
  const local = plugStates(meta, rules, store.changes(meta.name));
  const fromSnapd = await snapdConnectedPlugs(meta.name);
  if (fromSnapd === undefined) return { from: 'local', plugs: local };
  return {
    from: 'snapd',
    plugs: local.map((p) => ({ ...p, connected: fromSnapd.includes(p.plug), reason: 'snapd' })),
  };
}
