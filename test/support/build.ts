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

/**
 * The system and terminal tests run the built CLI (dist/); compile only when a source is newer
 * than the build (`npm test` has just built it), the way `npm run build` does. Type errors are `npm test`'s tsc check's job:
 * tsc emits in spite of them.
 */
export function ensureBuilt(): void {
  const output = join(ROOT, 'dist/src/main.js');
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'components')));
  if (existsSync(output) && statSync(output).mtimeMs >= sources) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    // See above: the output is what matters here.
  }
  // As `npm run build` does: the CLI users run is the bundle, not tsc's main.js.
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: ROOT, stdio: 'ignore' });
  execFileSync(process.execPath, ['scripts/prebuild-rules.mjs'], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(output) || statSync(output).mtimeMs < sources) throw new Error(`cannot build ${output}`);
}
