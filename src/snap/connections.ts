/** Which plugs are connected: auto-connect defaults from rules/, changed by connect/disconnect. Pure. */
import type { RuleSet } from '../suggest/rules.js';
import type { SnapMeta } from './snap-yaml.js';

/** What `connect`/`disconnect` changed for one snap, by plug name. */
export interface ConnectionChanges {
  readonly connected: readonly string[];
  readonly disconnected: readonly string[];
}

export interface PlugState {
  readonly plug: string;
  readonly interface: string;
  readonly connected: boolean;
  /** Why: auto-connect default, manual connect/disconnect, snapd, or no policy for the interface. */
  readonly reason: 'auto-connect' | 'manual' | 'not auto-connected' | 'snapd' | 'unknown interface';
}

/** Every plug the snap declares, at top level or on an app/hook. */
export function declaredPlugs(meta: SnapMeta): Map<string, string> {
  const plugs = new Map<string, string>();
  for (const plug of meta.plugs.values()) plugs.set(plug.name, plug.interface);
  for (const runnable of [...meta.apps.values(), ...meta.hooks.values()]) {
    for (const plug of runnable.plugs)
      if (!plugs.has(plug)) plugs.set(plug, meta.plugs.get(plug)?.interface ?? plug);
  }
  return plugs;
}

export function plugStates(meta: SnapMeta, rules: RuleSet, changes: ConnectionChanges): PlugState[] {
  return [...declaredPlugs(meta)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([plug, iface]): PlugState => {
      if (changes.connected.includes(plug))
        return { plug, interface: iface, connected: true, reason: 'manual' };
      if (changes.disconnected.includes(plug))
        return { plug, interface: iface, connected: false, reason: 'manual' };
      const rule = rules.byId.get(iface);
      if (rule === undefined)
        return { plug, interface: iface, connected: false, reason: 'unknown interface' };
      return rule.autoConnect
        ? { plug, interface: iface, connected: true, reason: 'auto-connect' }
        : { plug, interface: iface, connected: false, reason: 'not auto-connected' };
    });
}

/** `SNAP:PLUG`, the argument of connect and disconnect. */
export function parsePlugRef(text: string): { readonly snap: string; readonly plug: string } | undefined {
  const m = /^([a-z0-9](?:-?[a-z0-9])*(?:_[a-z0-9]{1,10})?):([a-z0-9](?:-?[a-z0-9])*)$/.exec(text);
  return m ? { snap: m[1]!, plug: m[2]! } : undefined;
}
