import { resolve } from 'node:path';

/** A file of the project's shared/ directory, which sits next to the repository. */
export function sharedPath(...parts: string[]): string {
  return resolve(import.meta.dirname, '../../../shared', ...parts);
}
