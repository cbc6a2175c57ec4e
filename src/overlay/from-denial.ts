/** What a developer can allow for one denial: the exact rule, then the suggested interfaces. Pure. */
import type { Denial } from '../model/denial.js';
import { apparmorRuleFor } from './apparmor-rule.js';
import type { OverlayEntry } from './overlay.js';

/** `seccomp ioprio_set`, `device c 1:11 /dev/kmsg r`, `apparmor open /etc/foo r`: what was refused. */
function accessed(d: Denial): string {
  if (d.kind === 'seccomp') {
    const sc = d.syscall;
    return `seccomp ${sc?.name ?? (sc !== undefined ? `syscall ${sc.number}` : '?')}`;
  }
  if (d.kind === 'cgroup') {
    const dev = d.device;
    return dev
      ? `device ${dev.type} ${dev.major}:${dev.minor}${dev.name ? ` ${dev.name}` : ''} ${dev.access}`
      : 'device ?';
  }
  const object =
    d.capname ??
    (d.dbus !== undefined
      ? [d.dbus.name, [d.dbus.interface, d.dbus.member].filter(Boolean).join('.'), d.dbus.path]
          .filter(Boolean)
          .join(' ')
      : undefined) ??
    d.path ??
    ([d.family, d.sockType].filter(Boolean).join(' ') || d.peer);
  const mask = d.path !== undefined ? (d.deniedMask ?? d.requestedMask) : undefined;
  return ['apparmor', d.operation, object, mask].filter(Boolean).join(' ');
}

/** The one-line summary kept as an entry's reason: `seccomp ioprio_set by snap.foo.app`. */
export function denialReason(d: Denial): string {
  const snap = d.instance ?? d.snap;
  const who = d.label ?? (snap !== undefined ? `snap ${snap}` : undefined);
  return `${accessed(d)}${who !== undefined ? ` by ${who}` : ''}`;
}

function exactRule(d: Denial, reason: string): OverlayEntry | undefined {
  if (d.kind === 'seccomp') {
    const name = d.syscall?.name;
    return name !== undefined ? { kind: 'seccomp', line: name, reason } : undefined;
  }
  if (d.kind === 'cgroup') {
    const dev = d.device;
    if (dev === undefined) return undefined;
    const node = dev.name !== undefined ? { node: dev.name } : {};
    return { kind: 'device', type: dev.type, major: dev.major, minor: dev.minor, ...node, reason };
  }
  const rule = apparmorRuleFor(d);
  return rule !== undefined ? { kind: 'apparmor', rule, reason } : undefined;
}

/**
 * The exact rule first (seccomp syscall line, device, AppArmor rule), when the denial names
 * one, then one entry per suggested interface in rank order. Slot-side suggestions (the snap
 * should provide the interface) are left out: connecting a plug would not give that policy.
 */
export function overlayChoices(d: Denial): OverlayEntry[] {
  const reason = denialReason(d);
  const choices: OverlayEntry[] = [];
  const exact = exactRule(d, reason);
  if (exact !== undefined) choices.push(exact);
  for (const s of d.suggestions ?? []) {
    if (s.kind !== 'interface' || s.slotsLine !== undefined) continue;
    if (choices.some((c) => c.kind === 'interface' && c.interface === s.id)) continue;
    choices.push({ kind: 'interface', interface: s.id, reason });
  }
  return choices;
}
