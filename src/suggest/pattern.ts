import type { Denial } from '../model/denial.js';

/**
 * Rewrites a concrete path into the AppArmor-variable form a policy or a developer would use:
 * `/proc/29913/mounts` → `@{PROC}/@{pid}/mounts`, `/home/jo/.config` → `@{HOME}/.config`,
 * and the snap's own directories → `$SNAP`, `$SNAP_DATA`, `$SNAP_COMMON`, `$SNAP_USER_DATA`,
 * `$SNAP_USER_COMMON`.
 */
export function pathPattern(path: string, denial?: Pick<Denial, 'instance'>): string {
  let out = path;
  for (const [pattern, replacement] of rewritesFor(denial?.instance)) out = out.replace(pattern, replacement);
  return out;
}

type Rewrite = readonly [RegExp, string];

const GENERAL: readonly Rewrite[] = [
  [/^(?:\/home\/[^/]+|\/root)(?=\/|$)/, '@{HOME}'],
  [/^\/proc\/(?:[0-9]+|self|thread-self)\/task\/[0-9]+(?=\/|$)/, '@{PROC}/@{pid}/task/@{tid}'],
  [/^\/proc\/(?:[0-9]+|self|thread-self)(?=\/|$)/, '@{PROC}/@{pid}'],
  [/^\/proc(?=\/|$)/, '@{PROC}'],
  [/^\/run\/user\/[0-9]+(?=\/|$)/, '/run/user/@{uid}'],
];

/** Per snap instance: its rewrites, in order (built once, not per path). */
const rewrites = new Map<string, readonly Rewrite[]>();

function rewritesFor(name: string | undefined): readonly Rewrite[] {
  const key = name ?? '';
  let found = rewrites.get(key);
  if (!found) {
    const instance = name ? escape(name) : '[a-z0-9][a-z0-9_-]*';
    found = [
      [new RegExp(`^(?:/home/[^/]+|/root)/snap/${instance}/common(?=/|$)`), '$SNAP_USER_COMMON'],
      [new RegExp(`^(?:/home/[^/]+|/root)/snap/${instance}/(?:x?[0-9]+|current)(?=/|$)`), '$SNAP_USER_DATA'],
      [new RegExp(`^/var/snap/${instance}/common(?=/|$)`), '$SNAP_COMMON'],
      [new RegExp(`^/var/snap/${instance}/(?:x?[0-9]+|current)(?=/|$)`), '$SNAP_DATA'],
      [new RegExp(`^(?:/var/lib/snapd)?/snap/${instance}/(?:x?[0-9]+|current)(?=/|$)`), '$SNAP'],
      ...GENERAL,
    ];
    if (rewrites.size >= 1_000) rewrites.clear();
    rewrites.set(key, found);
  }
  return found;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
