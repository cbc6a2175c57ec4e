/**
 * The suggestion process's side (suggestion-process.ts starts it): node started from the V8
 * startup snapshot scripts/build-suggest-snapshot.mjs makes of the engine bundle, with the rules
 * already loaded and the engine's lazy indexes and compiled code made by a warm-up. It reads
 * request frames on stdin, writes answer frames on stdout, and exits when stdin ends (its
 * parent closed it, or died).
 */
import { readSync, writeSync } from 'node:fs';
import { startupSnapshot } from 'node:v8';
import type { Denial } from '../model/denial.js';
import { forgetSnapBindings } from '../suggest/file-index.js';
import { loadRules } from '../suggest/index.js';
import { PidSharingSuggester } from '../suggest/pid-sharing.js';
import type { RuleSet } from '../suggest/rules.js';
import { forgetSnapMemos } from '../suggest/snap-memos.js';
import { encodeFrame, FrameReader } from './suggestion-process-frames.js';
import {
  answer,
  type SuggestionProcessReady,
  type SuggestionRequests,
  type SuggestionThreadData,
} from './suggestion-protocol.js';

/**
 * Build time, in `node --build-snapshot`: loads the rules of `data`, answers `warmDenials` with
 * them (so the heap the snapshot keeps holds their indexes), forgets what that kept for the
 * samples' own snaps (snap-memos.ts; a log's snaps are others) and makes serve() the main of
 * every process started from the snapshot.
 */
export function buildSuggestSnapshot(data: SuggestionThreadData, warmDenials: readonly Denial[]): void {
  const rules = loadRules(data.rulesDir, { cacheDir: data.cacheDir });
  answer(
    { ids: warmDenials.map((_, i) => i), denials: warmDenials },
    new PidSharingSuggester(rules),
    () => {},
  );
  forgetSnapMemos();
  forgetSnapBindings(rules.interfaces);
  startupSnapshot.setDeserializeMainFunction(() => serve(rules));
}

/**
 * The data the parent passes as the process's one argument (JSON), checked. A process started
 * from a snapshot has no script: its arguments follow node's path in argv.
 */
function dataFromArgv(argv: readonly string[]): SuggestionThreadData {
  const data = JSON.parse(argv[1] ?? 'null') as Partial<SuggestionThreadData> | null;
  if (typeof data?.rulesDir !== 'string' || (data.cacheDir !== false && typeof data.cacheDir !== 'string'))
    throw new Error(`cannot read the suggestion data argument: ${argv[1] ?? '(none)'}`);
  return { rulesDir: data.rulesDir, cacheDir: data.cacheDir };
}

/**
 * Run time: the rules again through loadRules, which hands back the snapshot's own when no rule
 * file changed since the build (it compares every file's mtime) and loads the new ones
 * otherwise; then a fresh engine over them, as a worker thread starts with. The process does
 * nothing but answer, so it reads and writes its pipes with blocking calls (no event loop, no
 * streams to set up).
 */
function serve(built: RuleSet): void {
  let data: SuggestionThreadData;
  try {
    data = dataFromArgv(process.argv);
  } catch (error) {
    process.stderr.write(`snappy-debug suggestion process: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const rules = loadRules(data.rulesDir, { cacheDir: data.cacheDir });
  const suggester = new PidSharingSuggester(rules);
  const post = (value: unknown): void => writeAll(STDOUT, encodeFrame(value));
  post({ ready: true, rulesFromSnapshot: rules === built } satisfies SuggestionProcessReady);
  const reader = new FrameReader();
  const chunk = Buffer.allocUnsafe(1 << 16);
  for (let read = readSome(STDIN, chunk); read > 0; read = readSome(STDIN, chunk)) {
    for (const requests of reader.push(chunk.subarray(0, read))) {
      answer(requests as SuggestionRequests, suggester, post);
    }
  }
  process.exit(0);
}

const STDIN = 0;
const STDOUT = 1;
let pauseCell: Int32Array | undefined;

/** Sleeps a millisecond (SharedArrayBuffer does not exist in the snapshot builder: made on first use). */
function pause(): void {
  pauseCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(pauseCell, 0, 0, 1);
}

/** Whether `error` only says a non-blocking descriptor has nothing for now. */
function wouldBlock(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'EAGAIN';
}

/** Reads what `fd` has (waiting for it), 0 at its end. */
function readSome(fd: number, into: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, into, 0, into.length, null);
    } catch (error) {
      if (!wouldBlock(error)) throw error;
      pause();
    }
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(fd, bytes, written);
    } catch (error) {
      if (!wouldBlock(error)) throw error;
      pause();
    }
  }
}
