import {
  scanAddon,
  type NativeChunk,
  type NativeScanner,
  type RenderTemplate,
  type ScanAddon,
} from '../scan/native-scan.js';
import { openUnlessAborted } from './abortable-open.js';
import { cannotRead } from './open-error.js';

/** Lines of a saved file that hold at least one marker, in file order, and how many lines were passed over. */
export interface CandidateBatch {
  /** With facts: only the lines not rendered (see `facts`). */
  readonly lines: readonly string[];
  /** Lines in this stretch of the file that held no marker (never parsed). */
  readonly skipped: number;
  /**
   * From a keyed native scan only: per candidate line (rendered or not) five numbers, the number of its line-cache key
   * (0: none), 0 on that key's first sight, 1 on a later one, 2 when its JSON line was rendered;
   * its audit instant in milliseconds; its masked pid (-1: none); its rendered line's length in
   * bytes. See native/scan/repeat-key.h and scan/repeat-lane.ts.
   */
  readonly facts?: Float64Array;
  /** The rendered JSON lines, one after the other in line order. */
  readonly rendered?: Buffer;
  /** With facts: `lines` as bytes, joined by \n (for the late renderer, see scan/repeat-lane.ts). */
  readonly text?: Buffer;
  /**
   * With facts: gives `rendered` and `text` back to the native scan before they are collected, so
   * that later chunks write into their memory instead of faulting in fresh pages (a replay's
   * rendered lines are tens of megabytes, kept until a full collection otherwise). Optional; call
   * it only once neither they nor any view of them will be read again (written out).
   */
  readonly release?: () => void;
}

export interface ScanOptions {
  readonly signal?: AbortSignal;
  /** Ask the native scan for each line's facts (the JavaScript scan gives none). */
  readonly keyed?: boolean;
  /** Asked before each read: the templates a keyed native scan renders repeats from from then on. */
  readonly templates?: () => readonly RenderTemplate[] | undefined;
}

const CHUNK = 8 << 20;
// Few round trips (each waits for the worker thread and an event-loop turn): on a busy machine
// the parser waited 37-74 ms in all for 4 MiB chunks, 105-162 ms for 1 MiB, 121-254 ms for 256 KiB.
const NATIVE_CHUNK = 4 << 20;
const NEWLINE = 0x0a;

/**
 * Reads a plain file in chunks and decodes only the lines that contain a marker, so the 98% of
 * a syslog that is not a denial never becomes a JavaScript string. Lines are split on \n (a
 * trailing \r is dropped), and a last line without \n is still delivered. Uses the native
 * addon when it is built (the search runs on a worker thread while the caller parses the
 * previous chunk), else the same scan in JavaScript: both select exactly the same lines.
 */
export function scanCandidates(
  path: string,
  markers: readonly string[],
  options: ScanOptions = {},
): AsyncGenerator<CandidateBatch> {
  const addon = scanAddon();
  return addon
    ? scanCandidatesNative(addon, path, markers, options.signal, NATIVE_CHUNK, options)
    : scanCandidatesJs(path, markers, options.signal);
}

/** The addon's scan; `chunkBytes` is only for tests (lines across chunk edges). */
export async function* scanCandidatesNative(
  addon: ScanAddon,
  path: string,
  markers: readonly string[],
  signal?: AbortSignal,
  chunkBytes = NATIVE_CHUNK,
  keying: Pick<ScanOptions, 'keyed' | 'templates'> = {},
): AsyncGenerator<CandidateBatch> {
  const handle = await openUnlessAborted(path, signal);
  if (handle === undefined) return;
  // The descriptor must outlive the reads under way on worker threads (the one asked for and the
  // one ahead of it): close() settles once none is.
  let pending: Promise<NativeChunk | null> | undefined;
  let scanner: NativeScanner | undefined;
  try {
    scanner = new addon.CandidateScanner(handle.fd, markers, chunkBytes, keying.keyed === true);
    pending = scanner.next();
    for (;;) {
      if (signal?.aborted) return;
      const chunk = await pending.catch((error: unknown) => {
        throw cannotRead(path, error);
      });
      pending = undefined;
      if (chunk === null) return;
      pending = scanner.next(keying.templates?.());
      const lines = (chunk.textLines ?? chunk.candidates) === 0 ? [] : chunk.text.split('\n');
      const skipped = chunk.lines - chunk.candidates;
      if (!chunk.facts) {
        yield { lines, skipped };
        continue;
      }
      const { rendered, textBytes } = chunk as Required<NativeChunk>;
      const release = (): void => {
        scanner?.recycle(rendered);
        scanner?.recycle(textBytes);
      };
      yield { lines, skipped, facts: chunk.facts, rendered, text: textBytes, release };
    }
  } finally {
    await pending?.catch(() => undefined);
    await scanner?.close();
    await handle.close();
  }
}

/** The scan in JavaScript (Buffer.indexOf passes), when the addon is not built. */
export async function* scanCandidatesJs(
  path: string,
  markers: readonly string[],
  signal?: AbortSignal,
): AsyncGenerator<CandidateBatch> {
  const probes = markers.map(probeFor);
  const handle = await openUnlessAborted(path, signal);
  if (handle === undefined) return;
  try {
    // The unfinished last line of each read, copied out: usually a few hundred bytes.
    let carry: Buffer = Buffer.alloc(0);
    // One buffer for the whole file: batches hold decoded strings, the carry is a copy.
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      if (signal?.aborted) return;
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const data = chunk.subarray(0, bytesRead);
      const firstEnd = data.indexOf(NEWLINE) + 1;
      if (firstEnd === 0) {
        carry = Buffer.concat([carry, data]);
        continue;
      }
      const lastEnd = data.lastIndexOf(NEWLINE) + 1;
      // The line that straddles two reads is joined on its own; the rest is scanned in place.
      const head =
        carry.length > 0
          ? candidatesIn(Buffer.concat([carry, data.subarray(0, firstEnd)]), probes)
          : undefined;
      const body = candidatesIn(data.subarray(carry.length > 0 ? firstEnd : 0, lastEnd), probes);
      yield head ? { lines: [...head.lines, ...body.lines], skipped: head.skipped + body.skipped } : body;
      carry = Buffer.from(data.subarray(lastEnd));
    }
    if (carry.length > 0) {
      const batch = candidatesIn(Buffer.concat([carry, Buffer.from([NEWLINE])]), probes);
      yield batch;
    }
  } finally {
    await handle.close();
  }
}

/**
 * What to search for a marker: its longest upper-case word when it has one of five bytes or more
 * (`CGROUP` in `DEVICE_CGROUP`, `MESSAGE` in `"MESSAGE"`), else the whole marker. Upper-case
 * words are rare in logs, so the native search skips ahead fast; `[`, `"` and digits are
 * everywhere and slow it down several times. Each hit is then checked against the whole marker.
 */
interface Probe {
  readonly needle: Buffer;
  /** Where the needle starts inside the marker. */
  readonly offset: number;
  readonly marker: Buffer;
}

function probeFor(marker: string): Probe {
  let best = { start: 0, length: 0 };
  for (const word of marker.matchAll(/[A-Z_]{5,}/g)) {
    if (word[0].length > best.length) best = { start: word.index, length: word[0].length };
  }
  const whole = Buffer.from(marker, 'utf8');
  if (best.length === 0) return { needle: whole, offset: 0, marker: whole };
  return {
    needle: Buffer.from(marker.slice(best.start, best.start + best.length), 'utf8'),
    offset: Buffer.byteLength(marker.slice(0, best.start), 'utf8'),
    marker: whole,
  };
}

function markerAt(region: Buffer, probe: Probe, hit: number): boolean {
  const start = hit - probe.offset;
  const end = start + probe.marker.length;
  if (start < 0 || end > region.length) return false;
  return (
    probe.needle === probe.marker || region.compare(probe.marker, 0, probe.marker.length, start, end) === 0
  );
}

/** `region` holds whole lines, each ending in \n. */
function candidatesIn(region: Buffer, probes: readonly Probe[]): CandidateBatch {
  const starts: number[] = [];
  for (const probe of probes) {
    let at = region.indexOf(probe.needle);
    while (at !== -1) {
      if (!markerAt(region, probe, at)) {
        at = region.indexOf(probe.needle, at + 1);
        continue;
      }
      starts.push(at === 0 ? 0 : region.lastIndexOf(NEWLINE, at - 1) + 1);
      const lineEnd = region.indexOf(NEWLINE, at);
      at = region.indexOf(probe.needle, lineEnd + 1);
    }
  }
  let total = 0;
  for (let at = region.indexOf(NEWLINE); at !== -1; at = region.indexOf(NEWLINE, at + 1)) total++;
  const lines: string[] = [];
  let previous = -1;
  for (const start of starts.sort((a, b) => a - b)) {
    if (start === previous) continue;
    previous = start;
    let end = region.indexOf(NEWLINE, start);
    if (end > start && region[end - 1] === 0x0d) end--;
    lines.push(region.toString('utf8', start, end));
  }
  return { lines, skipped: total - lines.length };
}
