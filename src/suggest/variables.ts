import type { Denial } from '../model/denial.js';
import { escapeRegex, type GlobVariables } from './glob.js';
import { snapMemo } from './snap-memos.js';

const SNAP_NAME = '[a-z0-9](?:-?[a-z0-9])*';
const INSTANCE = `${SNAP_NAME}(?:_[a-z0-9]{1,10})?`;
const REVISION = '(?:x?[0-9]+)';
const NUMBER = '[1-9][0-9]*';

/**
 * AppArmor variables as snapd's templates define them. Fragments never end in "/": a glob such
 * as `@{HOME}/x` supplies its own slash.
 */
const BASE: GlobVariables = {
  HOME: '/home/[^/]+|/root',
  HOMEDIRS: '/home',
  PROC: '/proc',
  pid: NUMBER,
  tid: NUMBER,
  pids: NUMBER,
  uid: '[0-9]+',
  sys: '/sys',
  run: '/run|/var/run',
  MULTIARCH: '[^/]*-linux-gnu[^/]*',
  multiarch: '[^/]*-linux-gnu[^/]*',
  SNAP_COREUTIL_DIRS: '/(?:usr/)?bin/',
  profile_name: '[^/]+',
  INSTALL_DIR: '/snap|/var/lib/snapd/snap',
  SNAP_NAME,
  SNAP_INSTANCE_NAME: INSTANCE,
  SNAP_REVISION: REVISION,
  SNAP_COMMAND_NAME: '[^/]+',
  SNAP_INSTANCE_DESKTOP: '[^/]+',
};

const bound = snapMemo<string, GlobVariables>();

/**
 * Variables bound to the snap the denial belongs to (unbound ones match any snap). The same
 * object comes back for the same snap, so compiled globs are shared across denials.
 */
export function variablesFor(denial: Pick<Denial, 'snap' | 'instance'>): GlobVariables {
  const key = variablesKey(denial);
  let vars = bound.get(key);
  if (!vars) {
    if (bound.size > 1000) bound.clear();
    bound.set(key, (vars = Object.freeze(bindVariables(denial))));
  }
  return vars;
}

function bindVariables(denial: Pick<Denial, 'snap' | 'instance'>): GlobVariables {
  const name = denial.snap ? escapeRegex(denial.snap) : SNAP_NAME;
  const instance = denial.instance ? escapeRegex(denial.instance) : INSTANCE;
  const snapDir = `(?:/snap|/var/lib/snapd/snap)/${instance}/${REVISION}`;
  const dataDir = `/var/snap/${instance}`;
  const userDir = `(?:/home/[^/]+|/root)/snap/${instance}`;
  return {
    ...BASE,
    SNAP_NAME: name,
    SNAP_INSTANCE_NAME: instance,
    SNAP: snapDir,
    SNAP_DATA: `${dataDir}/${REVISION}`,
    SNAP_COMMON: `${dataDir}/common`,
    SNAP_USER_DATA: `${userDir}/${REVISION}`,
    SNAP_USER_COMMON: `${userDir}/common`,
  };
}

/** Names whose value depends on the snap (SNAP_NAME, SNAP_DATA...): every other name means the same in every binding. */
export const SNAP_DEPENDENT: ReadonlySet<string> = (() => {
  const bound = bindVariables({ snap: 'a', instance: 'a_b' });
  return new Set(Object.keys(bound).filter((name) => bound[name] !== BASE[name]));
})();

/** Cache key for the bindings variablesFor() would produce. */
export function variablesKey(denial: Pick<Denial, 'snap' | 'instance'>): string {
  return `${denial.snap ?? ''}\0${denial.instance ?? ''}`;
}
