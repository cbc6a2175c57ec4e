import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The tests run the built UI; rebuild when a UI source is newer than its output. */
export function ensureBuilt(): void {
  const output = join(ROOT, 'dist/src/ui/run-tui.js');
  const sources = Math.max(newestMtime(join(ROOT, 'src/ui')), newestMtime(join(ROOT, 'components')));
  if (existsSync(output) && statSync(output).mtimeMs >= sources) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    // Type errors elsewhere in the tree do not stop tsc from emitting.
  }
  if (!existsSync(output)) throw new Error(`cannot build ${output}`);
}
