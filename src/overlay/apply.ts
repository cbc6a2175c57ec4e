/** What an overlay changes in the policy prepared for a launch. Pure. */
import type { DeviceRule } from '../snap/policy.js';
import type { InterfaceRule, RuleSet } from '../suggest/rules.js';
import type { PolicyOverlay } from './overlay.js';

export const OVERLAY_ORIGIN = 'overlay';

/** The app's connected interfaces plus the overlay's; `missing` names overlay interfaces rules/ lacks. */
export function overlayInterfaces(
  connected: readonly InterfaceRule[],
  overlay: PolicyOverlay | undefined,
  rules: RuleSet,
): { readonly interfaces: InterfaceRule[]; readonly missing: string[] } {
  const interfaces = [...connected];
  const missing: string[] = [];
  for (const e of overlay?.entries ?? []) {
    if (e.kind !== 'interface') continue;
    const rule = rules.byId.get(e.interface);
    if (rule === undefined) missing.push(e.interface);
    else if (!interfaces.includes(rule)) interfaces.push(rule);
  }
  return { interfaces, missing };
}

/** The device allow list with the overlay's devices added (origin `overlay`). */
export function overlayDevices(
  devices: readonly DeviceRule[],
  overlay: PolicyOverlay | undefined,
): DeviceRule[] {
  const out = [...devices];
  const key = (d: { type: string; major: number; minor: number | '*' }): string =>
    `${d.type} ${d.major}:${d.minor}`;
  const seen = new Set(out.map(key));
  for (const e of overlay?.entries ?? []) {
    if (e.kind !== 'device' || seen.has(key(e))) continue;
    seen.add(key(e));
    out.push({
      type: e.type,
      major: e.major,
      minor: e.minor,
      ...(e.node !== undefined ? { name: e.node } : {}),
      origin: OVERLAY_ORIGIN,
    });
  }
  return out;
}

/**
 * The seccomp source with the overlay's lines appended; `@unrestricted` first when the overlay
 * says so (then nothing is enforced, as with snapd's own `@unrestricted`).
 */
export function overlaySeccomp(source: string, overlay: PolicyOverlay | undefined): string {
  if (overlay === undefined) return source;
  const lines = overlay.entries.flatMap((e) => (e.kind === 'seccomp' ? [e.line.trim()] : []));
  const head = overlay.unrestricted ? '@unrestricted\n' : '';
  const tail = lines.length > 0 ? ['# overlay', ...lines].join('\n') + '\n' : '';
  return `${head}${source}${tail}`;
}

/**
 * Notes for the run's output: unrestricted seccomp, and AppArmor rules that could not be applied
 * (`apparmorApplied`: a profile with the overlay's rules is loaded for this run).
 */
export function overlayNotes(
  overlay: PolicyOverlay | undefined,
  apparmorApplied: boolean,
  apparmor: boolean,
): string[] {
  if (overlay === undefined) return [];
  const notes: string[] = [];
  if (overlay.unrestricted)
    notes.push('overlay: seccomp is UNRESTRICTED (@unrestricted): no seccomp filter is enforced in this run');
  const rules = overlay.entries.filter((e) => e.kind === 'apparmor').length;
  const what = `${rules} overlay rule${rules === 1 ? '' : 's'} not applied`;
  if (rules > 0 && !apparmorApplied)
    notes.push(
      apparmor
        ? `AppArmor profiles are not loaded by this launcher yet: ${what}`
        : `AppArmor is not available: ${what}`,
    );
  return notes;
}

/** The overlay's AppArmor rules, for a profile generator to add. */
export function overlayApparmorRules(overlay: PolicyOverlay | undefined): string[] {
  return (overlay?.entries ?? []).flatMap((e) => (e.kind === 'apparmor' ? [e.rule.trim()] : []));
}
