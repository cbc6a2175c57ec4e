import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const COMPRESSED = /\.(gz|xz|bz2|zst|lz4)$/;

/**
 * After `path` was truncated in place (logrotate copytruncate), finds the copy that holds what
 * we had not read yet: a sibling named PATH.N or PATH-SUFFIX, uncompressed, at least `position`
 * bytes long, whose bytes just before `position` equal `lastBytes` (what we last read).
 * Returns the bytes from `position` to the copy's end, followed by every newer copy whole, of
 * any size (several rotations between two reads), or undefined when no copy fits.
 */
export async function unreadTailOfRotatedCopy(
  path: string,
  position: number,
  lastBytes: Buffer,
): Promise<Buffer | undefined> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const copies: { file: string; mtimeMs: number; size: number }[] = [];
  for (const name of names) {
    if (name === base || COMPRESSED.test(name)) continue;
    if (!name.startsWith(`${base}.`) && !name.startsWith(`${base}-`)) continue;
    const file = join(dir, name);
    try {
      const info = await stat(file);
      if (info.isFile()) copies.push({ file, mtimeMs: info.mtimeMs, size: info.size });
    } catch {
      continue;
    }
  }
  copies.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const [index, { file, size }] of copies.entries()) {
    if (size < position) continue;
    const unread = await readIfContinues(file, position, lastBytes);
    if (!unread) continue;
    // Copies newer than the one we were reading were made by later rotations: unread in full,
    // however short (a later rotation may have copied less than we had read of this one).
    const newer = copies.slice(0, index).reverse();
    const whole = await Promise.all(newer.map(({ file: copy }) => readFile(copy)));
    return Buffer.concat([unread, ...whole]);
  }
  return undefined;
}

async function readIfContinues(
  file: string,
  position: number,
  lastBytes: Buffer,
): Promise<Buffer | undefined> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const before = Buffer.alloc(lastBytes.length);
    const { bytesRead } = await handle.read(before, 0, before.length, position - lastBytes.length);
    if (bytesRead !== lastBytes.length || !before.equals(lastBytes)) return undefined;
    const { size } = await handle.stat();
    const unread = Buffer.alloc(size - position);
    let filled = 0;
    while (filled < unread.length) {
      const read = await handle.read(unread, filled, unread.length - filled, position + filled);
      if (read.bytesRead === 0) break;
      filled += read.bytesRead;
    }
    return unread.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
