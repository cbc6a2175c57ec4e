import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/** One chunk of a saved log as the addon hands it over: only the lines holding a marker. */
export interface NativeChunk {
  /** The candidate lines joined by \n (no trailing \n; '' when there are none). */
  readonly text: string;
  readonly candidates: number;
  /** Every line of the chunk, candidates included. */
  readonly lines: number;
}

export interface NativeScanner {
  /** The next chunk, scanned on a libuv worker thread; null at the end of the file. One call at a time. */
  next(): Promise<NativeChunk | null>;
}

export interface ScanAddon {
  readonly CandidateScanner: new (
    fd: number,
    markers: readonly string[],
    chunkBytes: number,
  ) => NativeScanner;
}

let loaded: ScanAddon | null | undefined;

/**
 * The candidate-scan addon (native/build/scan.node, built by `npm run build:native`), or null
 * when it is not built or SNAPPY_DEBUG_JS_SCAN=1 asks for the JavaScript scan (tests compare both).
 */
export function scanAddon(): ScanAddon | null {
  if (loaded !== undefined) return loaded;
  const path = join(packageRoot(), 'native', 'build', 'scan.node');
  loaded =
    process.env.SNAPPY_DEBUG_JS_SCAN === '1' || !existsSync(path)
      ? null
      : (createRequire(import.meta.url)(path) as ScanAddon);
  return loaded;
}
