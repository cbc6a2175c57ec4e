/**
 * Whether an app's command (and its command-chain) stays inside the snap once symbolic links are
 * followed: a `bin/app -> /bin/sh` or `bin/app -> ../../../usr/bin/x` would make the launcher run
 * a program the snap does not ship.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LocatedSnap } from './locate.js';

/** The target of the symbolic link at `relative` (inside the snap), or undefined when it is not one. */
export type LinkReader = (relative: string) => string | undefined;

const MAX_LINKS = 40;

/**
 * Follows `relative` inside a tree whose links `readLink` gives, like the kernel would with the
 * snap as its root. Returns why it leaves the tree, or undefined when it stays inside. Pure.
 */
export function linkEscape(relative: string, readLink: LinkReader): string | undefined {
  const pending = relative.split('/').filter((part) => part !== '' && part !== '.');
  const walked: string[] = [];
  let followed = 0;
  let lastLink: string | undefined;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      if (walked.length === 0) return lastLink ?? '".." climbs above the snap';
      walked.pop();
      continue;
    }
    const here = [...walked, part].join('/');
    const target = readLink(here);
    if (target === undefined) {
      walked.push(part);
      continue;
    }
    if (++followed > MAX_LINKS) return `${here} loops (more than ${MAX_LINKS} symbolic links)`;
    lastLink = `${here} is a symbolic link to ${target}`;
    if (target.startsWith('/')) return lastLink;
    pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return undefined;
}

function directoryReader(root: string): LinkReader {
  return (relative) => {
    const path = join(root, relative);
    try {
      return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * The links of a .snap, from `unsquashfs -lls`: a link line is
 * `lrwxrwxrwx root/root SIZE DATE TIME /PATH -> TARGET`, SIZE being the target's length in bytes,
 * which keeps names holding " -> " unambiguous.
 */
export function squashfsLinks(listing: string): Map<string, string> {
  const links = new Map<string, string>();
  for (const line of listing.split('\n')) {
    const m = /^l\S{9} \S+ +(\d+) \d{4}-\d\d-\d\d \d\d:\d\d \/(.*)$/.exec(line);
    if (!m) continue;
    const bytes = Buffer.from(m[2]!, 'utf8');
    const size = Number(m[1]);
    const arrow = bytes.length - size - 4;
    if (arrow < 0 || bytes.subarray(arrow, arrow + 4).toString() !== ' -> ') continue;
    links.set(bytes.subarray(0, arrow).toString('utf8'), bytes.subarray(arrow + 4).toString('utf8'));
  }
  return links;
}

function squashfsReader(file: string): LinkReader {
  let links: Map<string, string> | undefined;
  return (relative) => {
    links ??= squashfsLinks(
      execFileSync('unsquashfs', ['-lls', '-d', '', file], { encoding: 'utf8', maxBuffer: 256 << 20 }),
    );
    return links.get(relative);
  };
}

function hasDotComponent(path: string): boolean {
  return path.split('/').some((part) => part === '.' || part === '..');
}

/**
 * Why one of `programs` (absolute paths as the app will see them: command-chain entries, then the
 * command) is not a file of the snap; undefined when all are.
 */
export function commandOutsideSnap(snap: LocatedSnap, programs: readonly string[]): string | undefined {
  const reader =
    snap.source.kind === 'squashfs' ? squashfsReader(snap.source.path) : directoryReader(snap.source.path);
  for (const program of programs) {
    if (!program.startsWith(`${snap.snapDir}/`) || hasDotComponent(program)) {
      return `its command ${program} is not inside the snap`;
    }
    const escape = linkEscape(program.slice(snap.snapDir.length + 1), reader);
    if (escape !== undefined) return `its command ${program} leads out of the snap: ${escape}`;
  }
  return undefined;
}
