import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A launcher spec that passes validation and stops at its missing seccomp profile. */
export const GOOD_SPEC: readonly string[] = [
  'snappy-debug-spec 1',
  'tag snap.errs.app',
  'snap-dir /snap/errs/x1',
  'uid 65534',
  'gid 65534',
  'seccomp /nonexistent/seccomp.bin2',
  'cwd /',
];

/** Writes the spec's lines to a new file in `dir`; returns its path. */
export function writeSpec(dir: string, lines: readonly string[]): string {
  const path = join(dir, `spec-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
