// Slot-side facts of an interface: who provides its slot on classic, and what a snap gets for
// providing it itself.
import { parseAppArmor } from './apparmor.mjs';
import { permanentSlotSnippets } from './go-source.mjs';

// Where a plugging snap finds its slot on a classic distro: snapd's own (implicitOnClassic); a
// gadget's or a hotplugged device's (gadget among the slot snap types); another app snap's (app
// among them, or installation allowed only by a snap declaration); or none at all, because only
// Ubuntu Core's system snap may hold it (core alone).
export function implicitSlot(go) {
  if (/^\s*[iI]mplicitOnClassic:\s*(?:true|!\()/m.test(go.text)) return 'system';
  const types = /slot-snap-type:((?:\s*-\s*[a-z]+)+)/.exec(go.baseDeclarationSlots);
  const listed = types ? types[1].split(/[\s-]+/).filter(Boolean) : [];
  if (listed.includes('app') || listed.length === 0) return 'app';
  return listed.includes('gadget') ? 'gadget' : 'core';
}

// The snap's own MPRIS bus name when its slot carries no name attribute.
const SLOT_MARKERS = { '###MPRIS_NAME###': '@{SNAP_INSTANCE_NAME}' };

// File and D-Bus rules a snap gets for providing the slot itself, for interfaces whose slot an
// app snap may hold (a compositor's socket lock, a player's MPRIS name). Snippets built from
// slot attributes (dbus, qualcomm-ipc-router) are left out.
export function appSlotPolicy(go, options, warn) {
  if (!/slot-snap-type:(?:\s*-\s*[a-z]+)*\s*-\s*app\b/.test(go.baseDeclarationSlots)) return undefined;
  let text = permanentSlotSnippets(go).join('\n');
  for (const [marker, value] of Object.entries(SLOT_MARKERS)) text = text.split(marker).join(value);
  if (!text || /###[A-Z_]+###/.test(text)) return undefined;
  const { file, dbus } = parseAppArmor(text, { abstractions: options.abstractions, warn });
  return file.length + dbus.length > 0 ? { file, dbus } : undefined;
}
