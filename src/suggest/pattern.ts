import type { Denial } from '../model/denial.js';

/**
 * Rewrites a concrete path into the AppArmor-variable form a policy or a developer would use:
 * `/proc/29913/mounts` → `@{PROC}/@{pid}/mounts`, `/home/jo/.config` → `@{HOME}/.config`,
 * and the snap's own directories → `$SNAP`, `$SNAP_DATA`, `$SNAP_COMMON`, `$SNAP_USER_DATA`,
 * `$SNAP_USER_COMMON`.
 */
export function pathPattern(path: string, denial?: Pick<Denial, 'instance'>): string {
  const instance = denial?.instance ? escape(denial.instance) : '[a-z0-9][a-z0-9_-]*';
  return path
    .replace(new RegExp(`^(?:/home/[^/]+|/root)/snap/${instance}/common(?=/|$)`), '$SNAP_USER_COMMON')
    .replace(
      new RegExp(`^(?:/home/[^/]+|/root)/snap/${instance}/(?:x?[0-9]+|current)(?=/|$)`),
      '$SNAP_USER_DATA',
    )
    .replace(new RegExp(`^/var/snap/${instance}/common(?=/|$)`), '$SNAP_COMMON')
    .replace(new RegExp(`^/var/snap/${instance}/(?:x?[0-9]+|current)(?=/|$)`), '$SNAP_DATA')
    .replace(new RegExp(`^(?:/var/lib/snapd)?/snap/${instance}/(?:x?[0-9]+|current)(?=/|$)`), '$SNAP')
    .replace(/^(?:\/home\/[^/]+|\/root)(?=\/|$)/, '@{HOME}')
    .replace(/^\/proc\/(?:[0-9]+|self|thread-self)\/task\/[0-9]+(?=\/|$)/, '@{PROC}/@{pid}/task/@{tid}')
    .replace(/^\/proc\/(?:[0-9]+|self|thread-self)(?=\/|$)/, '@{PROC}/@{pid}')
    .replace(/^\/proc(?=\/|$)/, '@{PROC}')
    .replace(/^\/run\/user\/[0-9]+(?=\/|$)/, '/run/user/@{uid}');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
