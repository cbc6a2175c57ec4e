/**
 * JSON lines of repeats without their denials. The native scan keys every kernel audit line the
 * way the line cache does (native/scan/repeat-key.cc) and says which lines repeat a key seen
 * before, with their own audit instant and pid. The line cache makes such a line's denial from
 * the key's first one with the line's own stamps, texts, pid, ip and fields; of those, the JSON
 * line holds only the time, the pid and the raw line. So once one line of a key has been parsed
 * (and found to reproduce from its own parts), its JSON text is kept cut at those three places,
 * and every later line of the key is spliced into it.
 */
import type { Denial, Suggestion } from '../model/denial.js';
import { jsonLinePieces, suggestionsTail } from '../output/json.js';
import type { RepeatParts } from '../parse/line-cache.js';
import { isoFromMillis } from '../parse/time.js';
import { LATE_PLAN_STRIDE, scanAddon, type LateRenderer, type RenderTemplate } from './native-scan.js';
import type { SuggestionSlot } from './suggestion-thread.js';

/** Per candidate line in CandidateBatch.facts: key number, sight, instant, pid, rendered length. */
export const FACTS_PER_LINE = 5;
/**
 * CandidateBatch.facts' sight of a line: a later one of its key; rendered by the native scan;
 * rendered up to its tail (its key's suggestions were not known yet).
 */
export const SEEN = 1;
export const RENDERED = 2;
export const RENDERED_HEAD = 3;

/** A shown key's lines: their JSON line but for the time, pid and raw line; suggestions in `slot`. */
export interface ShownTemplate {
  readonly shown: true;
  readonly slot: SuggestionSlot;
  readonly before: string;
  readonly afterTime: string;
  /** The pid's JSON when the key does not mask it (every line of the key has the same); else null. */
  readonly pid: string | null;
  readonly afterPid: string;
}

/** How a key's later lines are handled. */
export type RepeatTemplate =
  | ShownTemplate
  /** Filtered out (the filter reads only members every line of the key shares): only counted. */
  | { readonly shown: false }
  /** Parsed in full, line by line. */
  | undefined;

/**
 * Templates kept at most; keys met beyond it are parsed in full. Never forgotten: the native scan
 * renders from the templates it was given and leaves out those lines' text, so a line rendered
 * up to its tail needs its key's template here.
 */
const KEPT = 8192;

/** How byKey holds a key whose lines are parsed in full (an undefined template): not a hole. */
const PARSED_IN_FULL = Object.freeze({ shown: false as const, parsed: true as const });

export class RepeatTemplates {
  /**
   * Templates by key number: the native scan numbers keys from 1 in order of first sight, so an
   * array (looked up once or twice a line) instead of a map keyed by doubles. A hole: no template yet.
   */
  private readonly byKey: (ShownTemplate | { readonly shown: false })[] = [];
  private kept = 0;
  /** Shown keys whose templates the native scan does not have yet, or not with their suggestions. */
  private unsent: { readonly key: number; readonly template: ShownTemplate }[] = [];
  private fresh: RenderTemplate[] = [];
  /** Keys whose template the renderer has or is given at the next settleLate(): at their first late line. */
  private readonly givenToRenderer = new Set<number>();
  private toRenderer: RenderTemplate[] = [];
  /** Lines handed to lateHead() since the last settleLate(): their items, the renderer's plan, and what JavaScript splices from when it refuses one. */
  private late: RenderedHead[] = [];
  private plan: number[] = [];
  private lateTemplates: ShownTemplate[] = [];
  private lateLines: string[] = [];

  /** `renderer` renders the lines of lateHead(); null: they are spliced in JavaScript. */
  constructor(private readonly renderer: LateRenderer | null = newLateRenderer()) {}

  /** The template of `key`; null when the key has none yet. */
  get(key: number): RepeatTemplate | null {
    const template = this.byKey[key];
    return template === undefined ? null : template === PARSED_IN_FULL ? undefined : template;
  }

  set(key: number, template: RepeatTemplate): void {
    if (this.byKey[key] === undefined) {
      if (this.kept >= KEPT) return;
      this.kept++;
    }
    this.byKey[key] = template ?? PARSED_IN_FULL;
    if (this.givenToRenderer.delete(key)) this.unplan(key);
    if (template?.shown !== true) return;
    const suggestions = template.slot.suggestions;
    const { before, afterTime, pid, afterPid } = template;
    const tail = suggestions ? suggestionsTailBytes(suggestions) : null;
    this.fresh.push({ key, before, afterTime, pid, afterPid, tail });
    if (suggestions === undefined) this.unsent.push({ key, template });
  }

  /**
   * For the native scan: the templates learnt since the last call, and those whose suggestions
   * have come since (again, now with their tail).
   */
  takeForScan(): RenderTemplate[] | undefined {
    const taken = this.fresh;
    this.fresh = [];
    if (this.unsent.length > 0) {
      const still: typeof this.unsent = [];
      for (let i = 0; i < this.unsent.length; i++) {
        const unsent = this.unsent[i]!;
        const suggestions = unsent.template.slot.suggestions;
        if (suggestions === undefined) still.push(unsent);
        else taken.push({ key: unsent.key, tail: suggestionsTailBytes(suggestions) });
      }
      this.unsent = still;
    }
    return taken.length > 0 ? taken : undefined;
  }

  /**
   * A repeat of shown `key` the native scan did not render, line `at` of its chunk's text (see
   * settleLate): its head, rendered by the late renderer once settleLate() is called (before the
   * item is handed over), or spliced here.
   */
  lateHead(
    key: number,
    template: ShownTemplate,
    line: string,
    millis: number,
    pid: number,
    at: number,
  ): RenderedHead {
    if (this.renderer === null) return new RenderedHead(repeatJson(template, line, millis, pid));
    if (!this.givenToRenderer.has(key)) {
      const { before, afterTime, pid: fixedPid, afterPid } = template;
      this.toRenderer.push({ key, before, afterTime, pid: fixedPid, afterPid, tail: null });
      this.givenToRenderer.add(key);
    }
    const item = new RenderedHead(LATE, 0, 0, true);
    this.late.push(item);
    this.plan.push(key, at, millis, pid);
    this.lateTemplates.push(template);
    this.lateLines.push(line);
    return item;
  }

  /**
   * Gives the lines of lateHead() since the last call their heads: `text` is their chunk's lines
   * as bytes joined by \n (CandidateBatch.text), each lateHead()'s `at` a line index in it.
   */
  settleLate(text: Buffer | undefined): void {
    const count = this.late.length;
    if (count === 0) return;
    const lengths = new Int32Array(count).fill(-1);
    let bytes: Buffer | undefined;
    if (text !== undefined) {
      if (this.toRenderer.length > 0) this.renderer!.add(this.toRenderer);
      bytes = this.renderer!.renderLines(text, Float64Array.from(this.plan), lengths);
    }
    this.toRenderer = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const item = this.late[i]!;
      const length = lengths[i]!;
      if (length >= 0) {
        item.settle(bytes!, offset, (offset += length));
        continue;
      }
      const at = i * LATE_PLAN_STRIDE;
      item.settle(
        repeatJson(this.lateTemplates[i]!, this.lateLines[i]!, this.plan[at + 2]!, this.plan[at + 3]!),
      );
      item.late = false;
    }
    this.late = [];
    this.plan = [];
    this.lateTemplates = [];
    this.lateLines = [];
  }

  /** A key's template changed: its lines planned so far keep the old one (JavaScript splices them). */
  private unplan(key: number): void {
    for (let at = 0; at < this.plan.length; at += LATE_PLAN_STRIDE)
      if (this.plan[at] === key) this.plan[at] = 0;
    this.toRenderer = this.toRenderer.filter((template) => template.key !== key);
  }
}

function newLateRenderer(): LateRenderer | null {
  const addon = scanAddon();
  return addon ? new addon.LateRenderer() : null;
}

/** The head of a late line until settleLate(). */
const LATE = new Uint8Array(0);

/**
 * Whether the line cache's parts of a line (see parseLineWithBasis) are the native scan's: its
 * instant and pid read the same.
 */
export function agrees(basis: RepeatParts | undefined, millis: number, pid: number): basis is RepeatParts {
  if (basis === undefined || basis.millis !== millis) return false;
  return basis.pid === undefined ? pid === -1 : basis.pid === pid;
}

/** The template of a shown key from one of its lines' denial as printed (without suggestions). */
export function shownTemplate(
  denial: Denial,
  slot: SuggestionSlot,
  basis: RepeatParts,
): ShownTemplate | undefined {
  const pieces = jsonLinePieces(denial);
  if (pieces === undefined) return undefined;
  return {
    shown: true,
    slot,
    ...pieces,
    pid: basis.pid === undefined ? JSON.stringify(denial.pid ?? null) : null,
  };
}

const tails = new WeakMap<readonly Suggestion[], Buffer>();

/** suggestionsTail() as UTF-8, made once per suggestions array. */
export function suggestionsTailBytes(suggestions: readonly Suggestion[]): Buffer {
  let tail = tails.get(suggestions);
  if (tail === undefined) tails.set(suggestions, (tail = Buffer.from(suggestionsTail(suggestions))));
  return tail;
}

/** A view of `bytes` from `start` to `end`: a plain Uint8Array, cheaper to make than Buffer#subarray's. */
export function viewOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}

/**
 * A repeat's JSON line but for its tail (its suggestions, known once its slot is answered):
 * rendered by the native scan or the late renderer (a stretch of their bytes) or spliced here
 * (text). Many wait at once for their suggestions: the bytes are held as offsets, not as a view
 * of their own, so that waiting costs one object a line.
 */
export class RenderedHead {
  tail: Buffer | undefined;
  /** `late`: rendered by the late renderer (weighs as a spliced head does). */
  constructor(
    private source: Uint8Array | string,
    private start = 0,
    private end = typeof source === 'string' ? 0 : source.byteLength,
    public late = false,
  ) {}

  /** The head: its text, or a view of its bytes (made at each call). */
  get head(): Uint8Array | string {
    const source = this.source;
    return typeof source === 'string' ? source : viewOf(source, this.start, this.end);
  }

  /** Its bytes' length; undefined for a head spliced as text. */
  get byteLength(): number | undefined {
    return typeof this.source === 'string' ? undefined : this.end - this.start;
  }

  /** Settles a late head: `end - start` bytes of `source`, or its text. */
  settle(source: Uint8Array | string, start = 0, end = 0): void {
    this.source = source;
    this.start = start;
    this.end = end;
  }
}

/**
 * A stretch of a chunk's lines the native scan rendered, one after the other in its bytes: lines
 * rendered whole, and heads (lines rendered up to their tail: their key's suggestions were not
 * known yet), each followed in the output by its slot's tail. One object for the stretch, not one
 * a line; handed over once every head's slot is answered.
 */
export class RenderedRun {
  /** Where each head ends in `bytes`; the tail after head i is slots[i]'s. */
  readonly headEnds: number[] = [];
  readonly slots: SuggestionSlot[] = [];
  /** Where the stretch ends (set when it is closed). */
  end: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly start: number,
  ) {
    this.end = start;
  }

  /** A head's slot not answered yet, if any. */
  unanswered(): SuggestionSlot | undefined {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i]!.suggestions === undefined) return slots[i];
    return undefined;
  }
}

/**
 * After a chunk's items: once they are written out, nothing reads its rendered bytes or text
 * again, and `release` (CandidateBatch.release) gives their memory back to the native scan.
 */
export class ChunkEnd {
  constructor(readonly release: () => void) {}
}

export const FILTERED_OUT: RepeatTemplate = Object.freeze({ shown: false });

/** A repeat's JSON line up to its suggestions (see suggestionsTail). */
export function repeatJson(template: ShownTemplate, line: string, millis: number, pid: number): string {
  return `${template.before}"${isoFromMillis(millis)!}"${template.afterTime}${template.pid ?? String(pid)}${template.afterPid}${JSON.stringify(line)}`;
}
