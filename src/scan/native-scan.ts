import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/** One chunk of a saved log as the addon hands it over: only the lines holding a marker. */
export interface NativeChunk {
  /** The candidate lines joined by \n (no trailing \n; '' when there are none); a keyed scanner leaves out those it rendered. */
  readonly text: string;
  readonly candidates: number;
  /** Every line of the chunk, candidates included. */
  readonly lines: number;
  /** With a keyed scanner: five numbers per candidate line (see CandidateBatch.facts). */
  readonly facts?: Float64Array;
  /** With a keyed scanner: the JSON lines it rendered (see CandidateBatch.rendered). */
  readonly rendered?: Buffer;
  /** With a keyed scanner: the lines in `text` (those it did not render). */
  readonly textLines?: number;
  /** With a keyed scanner: `text` as bytes (see LateRenderer.renderLines). */
  readonly textBytes?: Buffer;
}

/**
 * A key's JSON line cut where its repeats differ (see scan/repeat-lane.ts), for the native scan;
 * or, without the cuts, the tail of a key it was given before.
 */
export type RenderTemplate =
  | {
      readonly key: number;
      readonly before: string;
      readonly afterTime: string;
      /** The pid's JSON when every line of the key has the same; null when each has its own. */
      readonly pid: string | null;
      readonly afterPid: string;
      /** From `,"suggestions":` to the newline, as UTF-8; null while the suggestions are not known. */
      readonly tail: Buffer | null;
    }
  | { readonly key: number; readonly tail: Buffer };

export interface NativeScanner {
  /**
   * The next chunk, scanned on libuv worker threads; null at the end of the file. One call at a
   * time. As soon as a chunk is handed over, the one after it is read and its candidates found,
   * ahead of the call that asks for it; a keyed scanner keys it and renders the repeats of the
   * keys of every template given so far (`templates` included) once asked.
   */
  next(templates?: readonly RenderTemplate[]): Promise<NativeChunk | null>;
  /**
   * Stops reading ahead: settles once no read is under way. The descriptor must stay open until
   * then, and the scanner is not used again.
   */
  close(): Promise<void>;
  /**
   * Gives back a chunk's `rendered` or `textBytes` Buffer (the Buffer itself, not a view of it)
   * before it is collected, so that a later chunk writes into its memory instead of fresh pages.
   * Neither it nor any view of it may be read after this. False when it is not one of this
   * scanner's or was given back already.
   */
  recycle(buffer: Buffer): boolean;
  /**
   * How many chunks so far were written into memory of earlier chunks that JavaScript had let go
   * of (a chunk's Buffers are never written again while they are reachable). For tests.
   */
  buffersReused(): number;
}

/** Numbers per line in LateRenderer.renderLines' plan: key, line index in the text, millis, pid. */
export const LATE_PLAN_STRIDE = 4;

/**
 * Renders, on the main thread, the repeats of keys whose templates the scanner got too late for
 * their chunk, up to their tail, in one call per chunk (native/scan/late-render.cc).
 */
export interface LateRenderer {
  /** Templates as NativeScanner.next takes them (their tails are not used). */
  add(templates: readonly RenderTemplate[]): void;
  /**
   * The JSON lines (up to their tails) of the lines of `text` (lines joined by \n, as a chunk's
   * textBytes) the plan names, LATE_PLAN_STRIDE numbers each, in text order. Each line's byte
   * length goes to `lengths`, -1 for one left to JavaScript (not printable ASCII, an instant
   * JavaScript writes otherwise, a key without a template). The rendered lines, one after the other.
   */
  renderLines(text: Buffer, plan: Float64Array, lengths: Int32Array): Buffer;
}

export interface ScanAddon {
  readonly CandidateScanner: new (
    fd: number,
    markers: readonly string[],
    chunkBytes: number,
    keyed?: boolean,
  ) => NativeScanner;
  readonly LateRenderer: new () => LateRenderer;
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
