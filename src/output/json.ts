import type { Denial, Suggestion } from '../model/denial.js';
import type { ByteBatch } from './byte-batch.js';
import { appendFromTemplate, fromTemplate, templateFor, type TemplateParts } from './json-template.js';

/** The JSON form of a denial: snake_case keys, every documented key present (null when unknown). */
export function toJsonRecord(d: Denial): Record<string, unknown> {
  return record(d, (d.suggestions ?? []).map(suggestionRecord));
}

/** The record with `suggestions` given (undefined: left out by JSON.stringify). */
function record(
  d: Denial,
  suggestions: readonly Record<string, unknown>[] | undefined,
): Record<string, unknown> {
  return {
    kind: d.kind,
    time: d.time ?? d.timeText ?? null,
    source: d.source ?? null,
    ...accessMembers(d),
    pid: d.pid ?? null,
    ...processMembers(d),
    repeat: d.repeat ?? 1,
    raw: d.raw,
    suggestions,
  };
}

/** The members between `source` and `pid`: what was accessed and how (the same for every repeat). */
function accessMembers(d: Denial): Record<string, unknown> {
  return {
    snap: d.snap ?? null,
    instance: d.instance ?? null,
    app: d.app ?? null,
    hook: d.hook ?? null,
    label: d.label ?? null,
    decision: d.decision ?? null,
    operation: d.operation ?? null,
    class: d.class ?? null,
    path: d.path ?? null,
    requested_mask: d.requestedMask ?? null,
    denied_mask: d.deniedMask ?? null,
    capability: d.capname ?? null,
    capability_number: d.capability ?? null,
    family: d.family ?? null,
    sock_type: d.sockType ?? null,
    protocol: d.protocol ?? null,
    peer: d.peer ?? d.peerLabel ?? null,
    signal: d.signal ?? null,
    dbus: d.dbus
      ? {
          bus: d.dbus.bus ?? null,
          path: d.dbus.path ?? null,
          interface: d.dbus.interface ?? null,
          member: d.dbus.member ?? null,
        }
      : null,
    syscall: d.syscall
      ? {
          number: d.syscall.number,
          name: d.syscall.name ?? null,
          arch: d.syscall.arch ?? null,
          audit_arch: d.syscall.auditArch,
          compat: d.syscall.compat ?? null,
        }
      : null,
    device: d.device ?? null,
    action: d.action ?? null,
  };
}

/** The members between `pid` and `repeat`. */
function processMembers(d: Denial): Record<string, unknown> {
  return { comm: d.comm ?? null, exe: d.exe ?? null };
}

function suggestionRecord(s: Suggestion): Record<string, unknown> {
  return {
    kind: s.kind,
    id: s.id,
    text: s.text,
    reason: s.reason ?? null,
    auto_connect: s.autoConnect ?? null,
    needs_review: s.needsReview ?? null,
    command: s.command ?? null,
    plugs_line: s.plugsLine ?? null,
    slots_line: s.slotsLine ?? null,
  };
}

// Repeated denials share one suggestions array (the enricher memoises it): encode it once.
const encodedSuggestions = new WeakMap<readonly Suggestion[], string>();

function suggestionsJson(suggestions: readonly Suggestion[] | undefined): string {
  if (!suggestions) return '[]';
  let json = encodedSuggestions.get(suggestions);
  if (json === undefined) {
    json = JSON.stringify(suggestions.map(suggestionRecord));
    encodedSuggestions.set(suggestions, json);
  }
  return json;
}

/**
 * One line of JSON, newline-terminated: the same text as JSON.stringify(toJsonRecord(d)). Repeats
 * of a denial differ only in time, source, pid, repeat and the raw line, so the text of the other
 * members comes from a template (json-template.ts) made once with the suggestions encoded.
 */
export function formatJsonLine(d: Denial): string {
  if (typeof d.raw !== 'string' || typeof d.kind !== 'string') {
    const withoutSuggestions = JSON.stringify(record(d, undefined));
    return `${withoutSuggestions.slice(0, -1)},"suggestions":${suggestionsJson(d.suggestions)}}\n`;
  }
  return fromTemplate(templateFor(d, templateParts), d);
}

/** formatJsonLine's text appended to `out` as UTF-8 (a repeat's template text is copied, not re-encoded). */
export function appendJsonLine(d: Denial, out: ByteBatch): void {
  if (typeof d.raw !== 'string' || typeof d.kind !== 'string') out.text(formatJsonLine(d));
  else appendFromTemplate(templateFor(d, templateParts), d, out);
}

function templateParts(d: Denial): TemplateParts {
  return {
    access: JSON.stringify(accessMembers(d)).slice(1, -1),
    process: JSON.stringify(processMembers(d)).slice(1, -1),
    suggestions: suggestionsJson(d.suggestions),
  };
}

/**
 * formatJsonLine's text of a denial cut where repeats of it differ: `before` the time's JSON,
 * `afterTime` up to the pid's, `afterPid` up to the raw line's; the suggestions' part comes from
 * suggestionsTail(). Undefined for a denial formatJsonLine does not make from a template.
 */
export interface JsonLinePieces {
  readonly before: string;
  readonly afterTime: string;
  readonly afterPid: string;
}

export function jsonLinePieces(d: Denial): JsonLinePieces | undefined {
  if (typeof d.raw !== 'string' || typeof d.kind !== 'string') return undefined;
  const parts = templateParts(d);
  return {
    before: `{"kind":${JSON.stringify(d.kind)},"time":`,
    afterTime: `,"source":${JSON.stringify(d.source ?? null)},${parts.access},"pid":`,
    afterPid: `,${parts.process},"repeat":${JSON.stringify(d.repeat ?? 1)},"raw":`,
  };
}

/** The end of a JSON line from its `,"suggestions":` on (the newline included). */
export function suggestionsTail(suggestions: readonly Suggestion[] | undefined): string {
  return `,"suggestions":${suggestionsJson(suggestions)}}\n`;
}
