import type { Denial } from '../model/denial.js';
import { snapMemo } from './snap-memos.js';

/**
 * Rewrites a concrete path into the AppArmor-variable form a policy or a developer would use:
 * `/proc/29913/mounts` → `@{PROC}/@{pid}/mounts`, `/home/jo/.config` → `@{HOME}/.config`,
 * and the snap's own directories → `$SNAP`, `$SNAP_DATA`, `$SNAP_COMMON`, `$SNAP_USER_DATA`,
 * `$SNAP_USER_COMMON`.
 */
export function pathPattern(path: string, denial?: Pick<Denial, 'instance'>): string {
  let out = path;
  for (const { starts, pattern, replacement } of rewritesFor(denial?.instance)) {
    if (starts.some((start) => out.startsWith(start))) out = out.replace(pattern, replacement);
  }
  return out;
}

/** A rewrite, tried only on paths with one of the starts every match of its pattern has. */
interface Rewrite {
  readonly starts: readonly string[];
  readonly pattern: RegExp;
  readonly replacement: string;
}

const HOMES = ['/home/', '/root'];

const GENERAL: readonly Rewrite[] = [
  { starts: HOMES, pattern: /^(?:\/home\/[^/]+|\/root)(?=\/|$)/, replacement: '@{HOME}' },
  {
    starts: ['/proc/'],
    pattern: /^\/proc\/(?:[0-9]+|self|thread-self)\/task\/[0-9]+(?=\/|$)/,
    replacement: '@{PROC}/@{pid}/task/@{tid}',
  },
  {
    starts: ['/proc/'],
    pattern: /^\/proc\/(?:[0-9]+|self|thread-self)(?=\/|$)/,
    replacement: '@{PROC}/@{pid}',
  },
  { starts: ['/proc'], pattern: /^\/proc(?=\/|$)/, replacement: '@{PROC}' },
  { starts: ['/run/user/'], pattern: /^\/run\/user\/[0-9]+(?=\/|$)/, replacement: '/run/user/@{uid}' },
];

/** Per snap instance: its rewrites, in order (built once, not per path). */
const rewrites = snapMemo<string, readonly Rewrite[]>();

function rewritesFor(name: string | undefined): readonly Rewrite[] {
  const key = name ?? '';
  let found = rewrites.get(key);
  if (!found) {
    const instance = name ? escape(name) : '[a-z0-9][a-z0-9_-]*';
    const rewrite = (starts: readonly string[], source: string, replacement: string): Rewrite => ({
      starts,
      pattern: new RegExp(source),
      replacement,
    });
    found = [
      rewrite(HOMES, `^(?:/home/[^/]+|/root)/snap/${instance}/common(?=/|$)`, '$SNAP_USER_COMMON'),
      rewrite(
        HOMES,
        `^(?:/home/[^/]+|/root)/snap/${instance}/(?:x?[0-9]+|current)(?=/|$)`,
        '$SNAP_USER_DATA',
      ),
      rewrite(['/var/snap/'], `^/var/snap/${instance}/common(?=/|$)`, '$SNAP_COMMON'),
      rewrite(['/var/snap/'], `^/var/snap/${instance}/(?:x?[0-9]+|current)(?=/|$)`, '$SNAP_DATA'),
      rewrite(
        ['/snap/', '/var/lib/snapd/snap/'],
        `^(?:/var/lib/snapd)?/snap/${instance}/(?:x?[0-9]+|current)(?=/|$)`,
        '$SNAP',
      ),
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
