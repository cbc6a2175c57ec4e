import type { SnapLabel } from './denial.js';

const SNAP_NAME = '[a-z0-9](?:-?[a-z0-9])*';
const INSTANCE_KEY = '[a-z0-9]{1,10}';
const APP_NAME = '[A-Za-z0-9](?:-?[A-Za-z0-9])*';
const HOOK_NAME = '[a-z](?:-?[a-z0-9])*';

const LABEL_RE = new RegExp(
  `^snap\\.(${SNAP_NAME})(?:_(${INSTANCE_KEY}))?\\.(?:hook\\.(${HOOK_NAME})|(${APP_NAME}))$`,
);
const SNAP_EXE_RE = new RegExp(`^/snap/(${SNAP_NAME})(?:_(${INSTANCE_KEY}))?/[^/]+/`);

/**
 * Splits a security label such as `snap.foo.bar`, `snap.foo_key.bar` or `snap.foo.hook.configure`.
 * AppArmor labels may carry a mode suffix (` (enforce)`, ` (complain)`), which is ignored.
 */
export function parseSnapLabel(label: string | undefined): SnapLabel | undefined {
  if (!label) return undefined;
  const bare = label.replace(/ \((?:enforce|complain|kill|unconfined|prompt)\)$/, '');
  const m = LABEL_RE.exec(bare);
  if (!m) return undefined;
  const [, snap, key, hook, app] = m;
  return {
    snap: snap!,
    instance: key ? `${snap}_${key}` : snap!,
    ...(key ? { instanceKey: key } : {}),
    ...(hook ? { hook } : {}),
    ...(app ? { app } : {}),
  };
}

/** Infers the snap from an executable under /snap/NAME/REV/ (seccomp records without an AppArmor label). */
export function snapFromExe(exe: string | undefined): Pick<SnapLabel, 'snap' | 'instance' | 'instanceKey'> | undefined {
  if (!exe) return undefined;
  const m = SNAP_EXE_RE.exec(exe);
  if (!m) return undefined;
  const [, snap, key] = m;
  return { snap: snap!, instance: key ? `${snap}_${key}` : snap!, ...(key ? { instanceKey: key } : {}) };
}

/** The security tag of an app or hook: the inverse of parseSnapLabel. */
export function securityTag(instance: string, app: { app?: string; hook?: string }): string {
  return app.hook ? `snap.${instance}.hook.${app.hook}` : `snap.${instance}.${app.app}`;
}
