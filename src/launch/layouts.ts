/**
 * snap.yaml layouts (already checked by src/snap/snap-paths.ts) expanded, ordered parents first
 * and turned into the launcher's layout lines, with the checks only the expanded paths allow
 * (snapd's snap/validate.go). Pure: the layouts and the app's environment in, mounts out.
 */
import type { SnapLayout } from '../snap/snap-yaml.js';
import { expandVariables } from '../snap/environment.js';
import type { LayoutMount } from './spec.js';

/** A layout snapd would refuse (the snap would not install). */
export class LayoutError extends Error {}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

export function planLayouts(
  layouts: readonly SnapLayout[],
  env: Readonly<Record<string, string>>,
): LayoutMount[] {
  const own = ['SNAP', 'SNAP_DATA', 'SNAP_COMMON'].map((name) => env[name] ?? '').filter((d) => d !== '');
  const mounts: LayoutMount[] = [];
  const sorted = [...layouts].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const layout of sorted) {
    const target = expandVariables(layout.path, env);
    const shown = `layout "${layout.path}"`;
    if (!cleanAbsolute(target))
      throw new LayoutError(`${shown} uses invalid mount point: must be absolute and clean`);
    const prior = mounts.find((m) => under(target, m.target));
    if (prior !== undefined) throw new LayoutError(`${shown} underneath prior layout item "${prior.target}"`);
    if (layout.kind === 'type') {
      if (layout.target !== 'tmpfs')
        throw new LayoutError(`${shown} uses invalid filesystem "${layout.target}"`);
      mounts.push({ kind: 'tmpfs', source: 'tmpfs', target });
      continue;
    }
    const source = expandVariables(layout.target, env);
    const what = layout.kind === 'symlink' ? 'symlink old name' : 'bind mount source';
    if (!cleanAbsolute(source))
      throw new LayoutError(`${shown} uses invalid ${what} "${source}": must be absolute and clean`);
    if (!own.some((dir) => source.startsWith(dir)))
      throw new LayoutError(
        `${shown} uses invalid ${what} "${source}": must start with $SNAP, $SNAP_DATA or $SNAP_COMMON`,
      );
    if (/\s/.test(source) || /\s/.test(target))
      throw new LayoutError(`${shown}: paths with spaces are not supported by this launcher`);
    mounts.push({ kind: layout.kind, source, target });
  }
  return mounts;
}

function cleanAbsolute(path: string): boolean {
  if (!path.startsWith('/')) return false;
  if (path === '/') return true;
  return (
    !path.endsWith('/') &&
    path
      .slice(1)
      .split('/')
      .every((part) => part !== '' && part !== '.' && part !== '..')
  );
}
