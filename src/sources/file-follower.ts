import { open, stat, type FileHandle } from 'node:fs/promises';
import { abortableDelay } from './abortable-delay.js';
import { LineSplitter } from './line-splitter.js';
import { cannotRead } from './open-error.js';
import { unreadTailOfRotatedCopy } from './rotated-copy.js';

export interface FollowFileOptions {
  /** Start at the beginning instead of the current end. */
  readonly fromStart: boolean;
  /** Keep following after the end (through rotations) until aborted. */
  readonly follow: boolean;
  readonly signal?: AbortSignal;
  /** Called once the file is open and positioned: from here on nothing written is missed. */
  readonly onReady?: () => void;
  /** Called when lines were lost (a truncation whose copy could not be found). */
  readonly onLoss?: (reason: string) => void;
  /** Called when the path has been gone for `goneAfterMs`, and when it is back after that. */
  readonly onNotice?: (message: string) => void;
  readonly pollMs?: number;
  /** How long a renamed-away file is still drained after its last growth. */
  readonly retireAfterMs?: number;
  /** How long the path may be gone (rotated, its writer not yet writing anew) before it is reported. */
  readonly goneAfterMs?: number;
}

const CHUNK = 64 * 1024;
const TAIL_CHECK = 64;

interface OpenFile {
  readonly handle: FileHandle;
  readonly ino: number;
  readonly dev: number;
  readonly splitter: LineSplitter;
  position: number;
  /** The last bytes read, to recognise the same file content after a truncation. */
  lastBytes: Buffer;
  lastGrowth: number;
}

/**
 * Follows a file like `tail -F`, by polling: survives rotation by rename (the old file is
 * drained until its writer has moved on) and by copytruncate (what was not read yet is taken
 * from the rotated copy, PATH.N or PATH-SUFFIX, uncompressed). Yields each line exactly once.
 * Limits: a truncation of a file we have read nothing from yet cannot be told from an empty
 * file, and a rename rotation whose new file is itself renamed away before our next poll is
 * not seen; both need two rotations within one poll interval.
 *
 * Not the `tail` package: on truncation it jumps to the new size (losing what was written
 * since), and on rename it drops its pending reads and reuses the old offset in the new file.
 */
export async function* followFile(path: string, options: FollowFileOptions): AsyncGenerator<string> {
  for await (const batch of followFileBatches(path, options)) yield* batch;
}

/** followFile's lines a read at a time: one await per chunk read, not per line. */
export async function* followFileBatches(path: string, options: FollowFileOptions): AsyncGenerator<string[]> {
  const pollMs = options.pollMs ?? 50;
  const retireAfterMs = options.retireAfterMs ?? 2000;
  const goneAfterMs = options.goneAfterMs ?? 5000;
  const signal = options.signal;
  const opened = await openWhenPresent(path, options);
  if (!opened) return;
  let current = opened.file;
  const retired: OpenFile[] = [];
  let goneSince: number | undefined;
  let goneReported = false;
  try {
    // A file that appeared while we waited holds only new lines: read it whole.
    if (!options.fromStart && !opened.waited) await seekToEnd(current);
    if (!opened.waited) options.onReady?.();
    while (!signal?.aborted) {
      for (const old of retired) yield* readNew(path, old, options);
      yield* readNew(path, current, options);
      if (!options.follow) {
        const partial = current.splitter.finish();
        if (partial !== undefined) yield [partial];
        return;
      }
      const now = Date.now();
      for (const old of retired.filter((file) => now - file.lastGrowth > retireAfterMs)) {
        const partial = old.splitter.finish();
        if (partial !== undefined) yield [partial];
        retired.splice(retired.indexOf(old), 1);
        await old.handle.close();
      }
      const replacement = await openIfReplaced(path, current);
      // Gone is not lost: the writer still writes to the renamed file (which is still read) or
      // will create the path anew. Said once, because a log that stops being written is worth knowing.
      if (replacement === 'gone') {
        goneSince ??= now;
        if (!goneReported && now - goneSince >= goneAfterMs) {
          goneReported = true;
          options.onNotice?.(`${path} is gone (rotated, or its writer stopped); waiting for it to come back`);
        }
      } else {
        if (goneReported && replacement)
          options.onNotice?.(`${path} is back; reading it from its first line`);
        goneSince = undefined;
        goneReported = false;
      }
      if (replacement && replacement !== 'gone') {
        current.lastGrowth = Date.now();
        retired.push(current);
        current = replacement;
        continue;
      }
      await abortableDelay(pollMs, signal);
    }
  } finally {
    await Promise.all([current, ...retired].map((file) => file.handle.close().catch(() => {})));
  }
}

/** Opens `path`, waiting for it to appear when following (ready as soon as we wait). */
async function openWhenPresent(
  path: string,
  options: FollowFileOptions,
): Promise<{ file: OpenFile; waited: boolean } | undefined> {
  for (let waited = false; ; waited = true) {
    try {
      return { file: await openFile(path), waited };
    } catch (error) {
      if (!options.follow || (error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw cannotRead(path, error);
    }
    if (!waited) options.onReady?.();
    if (options.signal?.aborted) return undefined;
    await abortableDelay(options.pollMs ?? 50, options.signal);
  }
}

async function openFile(path: string): Promise<OpenFile> {
  const handle = await open(path, 'r');
  const info = await handle.stat();
  return {
    handle,
    ino: info.ino,
    dev: info.dev,
    splitter: new LineSplitter(),
    position: 0,
    lastBytes: Buffer.alloc(0),
    lastGrowth: Date.now(),
  };
}

async function seekToEnd(file: OpenFile): Promise<void> {
  const { size } = await file.handle.stat();
  file.position = size;
  file.lastBytes = await readAt(file.handle, Math.max(0, size - TAIL_CHECK), Math.min(size, TAIL_CHECK));
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function linesOf(file: OpenFile, chunk: Buffer): string[] {
  file.position += chunk.length;
  const kept = Buffer.concat([file.lastBytes, chunk]);
  file.lastBytes = Buffer.from(kept.subarray(Math.max(0, kept.length - TAIL_CHECK)));
  file.lastGrowth = Date.now();
  return file.splitter.push(chunk);
}

/**
 * Reads what was appended since the last read. Each read starts a few bytes early and checks
 * those against what we last read, in the same read() call: a file truncated in place (even
 * between two of our reads, even regrown past our position) is recognised and not misread.
 */
async function* readNew(path: string, file: OpenFile, options: FollowFileOptions): AsyncGenerator<string[]> {
  for (;;) {
    const overlap = file.lastBytes.length;
    const buffer = Buffer.alloc(overlap + CHUNK);
    const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, file.position - overlap);
    if (bytesRead < overlap || !buffer.subarray(0, overlap).equals(file.lastBytes)) {
      const recovered = await recoverFromTruncation(path, file, options);
      if (recovered.length > 0) yield recovered;
      continue;
    }
    if (bytesRead === overlap) return;
    const lines = linesOf(file, buffer.subarray(overlap, bytesRead));
    if (lines.length > 0) yield lines;
  }
}

/** After a truncation in place: the unread rest from the rotated copy, then start over at 0. */
async function recoverFromTruncation(
  path: string,
  file: OpenFile,
  options: FollowFileOptions,
): Promise<string[]> {
  const lines: string[] = [];
  const unread = await unreadTailOfRotatedCopy(path, file.position, file.lastBytes);
  if (unread) {
    lines.push(...linesOf(file, unread));
  } else {
    options.onLoss?.(`${path} was truncated; lines written since the last read may be lost`);
  }
  const partial = file.splitter.finish();
  if (partial !== undefined) lines.push(partial);
  file.position = 0;
  file.lastBytes = Buffer.alloc(0);
  return lines;
}

/** The file now at `path` when it is another one; 'gone' when nothing is there. */
async function openIfReplaced(path: string, file: OpenFile): Promise<OpenFile | 'gone' | undefined> {
  try {
    const info = await stat(path);
    if (info.ino === file.ino && info.dev === file.dev) return undefined;
    return await openFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}
