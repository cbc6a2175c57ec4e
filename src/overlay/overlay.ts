/**
 * A snap's local policy overlay: what a developer allows on top of the snap's own policy while
 * working out which interface (or which new interface rules) it needs. Pure values.
 */

export type OverlayEntry =
  | {
      readonly kind: 'interface';
      readonly interface: string;
      readonly plug?: string;
      readonly reason: string;
    }
  | { readonly kind: 'seccomp'; readonly line: string; readonly reason: string }
  | {
      readonly kind: 'device';
      readonly type: 'c' | 'b';
      readonly major: number;
      readonly minor: number | '*';
      readonly node?: string;
      readonly reason: string;
    }
  | { readonly kind: 'apparmor'; readonly rule: string; readonly reason: string };

export interface PolicyOverlay {
  readonly snap: string;
  /** The seccomp filter is not enforced at all (snapd's `@unrestricted`). */
  readonly unrestricted: boolean;
  readonly entries: readonly OverlayEntry[];
}

/** The reason of an entry typed in rather than chosen from a denial. */
export const BY_HAND = 'added by hand';

export function emptyOverlay(snap: string): PolicyOverlay {
  return { snap, unrestricted: false, entries: [] };
}

const collapse = (text: string): string => text.trim().replace(/\s+/g, ' ');

/** What makes two entries the same allowance, whatever their reasons. */
export function entryKey(e: OverlayEntry): string {
  switch (e.kind) {
    case 'interface':
      return `interface ${e.interface} ${e.plug ?? e.interface}`;
    case 'seccomp':
      return `seccomp ${collapse(e.line)}`;
    case 'device':
      return `device ${e.type} ${e.major}:${e.minor}`;
    case 'apparmor':
      return `apparmor ${collapse(e.rule)}`;
  }
}

/** Adds the entry at the end, unless the same allowance is already there (then `o` itself). */
export function addEntry(o: PolicyOverlay, e: OverlayEntry): PolicyOverlay {
  const key = entryKey(e);
  if (o.entries.some((existing) => entryKey(existing) === key)) return o;
  return { ...o, entries: [...o.entries, e] };
}

/** Removes the entry at `index` (0-based); throws RangeError naming the index when there is none. */
export function removeEntry(o: PolicyOverlay, index: number): PolicyOverlay {
  if (!Number.isInteger(index) || index < 0 || index >= o.entries.length) {
    throw new RangeError(`no overlay entry ${index + 1}: the overlay of "${o.snap}" has ${o.entries.length}`);
  }
  return { ...o, entries: o.entries.filter((_, i) => i !== index) };
}

export function setUnrestricted(o: PolicyOverlay, on: boolean): PolicyOverlay {
  return o.unrestricted === on ? o : { ...o, unrestricted: on };
}

/** `seccomp: bind`, `device: c 1:11 (/dev/kmsg)`, `connect: network-bind`, `apparmor: /etc/foo r,`. */
export function describeEntry(e: OverlayEntry): string {
  switch (e.kind) {
    case 'interface':
      return `connect: ${e.interface}${e.plug !== undefined && e.plug !== e.interface ? ` (plug ${e.plug})` : ''}`;
    case 'seccomp':
      return `seccomp: ${collapse(e.line)}`;
    case 'device':
      return `device: ${e.type} ${e.major}:${e.minor}${e.node !== undefined ? ` (${e.node})` : ''}`;
    case 'apparmor':
      return `apparmor: ${collapse(e.rule)}`;
  }
}

/** How many entries of each kind, for one-line notes. */
export function countByKind(o: PolicyOverlay): Readonly<Record<OverlayEntry['kind'], number>> {
  const counts = { interface: 0, seccomp: 0, device: 0, apparmor: 0 };
  for (const e of o.entries) counts[e.kind]++;
  return counts;
}
