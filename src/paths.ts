import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The directory holding package.json: the same from src/ (tests) and dist/src/ (installed). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the snappy-debug package root');
    dir = parent;
  }
  root = dir;
  return dir;
}

export function rulesDir(): string {
  return join(packageRoot(), 'rules');
}

/** Where the normalised rules are cached next to the build (written by `npm run build`). */
export function rulesCacheDir(): string {
  return join(packageRoot(), 'dist', 'rules-cache');
}
