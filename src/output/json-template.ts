/**
 * JSON lines of repeated denials from templates. Repeats of one denial differ only in their time,
 * source, pid, repeat count and raw line; the text of every other member is kept once with the
 * values it was made from, and reused for a record whose values are the same (compared on every
 * use, so a template never stands for a record it was not made from).
 */
import type { Denial } from '../model/denial.js';
import { repeatOf } from '../parse/build-cache.js';
import type { ByteBatch } from './byte-batch.js';

/** Every member the JSON record reads apart from time, timeText, source, pid, repeat and raw. */
export const SHARED_MEMBERS = [
  'kind',
  'snap',
  'instance',
  'app',
  'hook',
  'label',
  'decision',
  'operation',
  'class',
  'path',
  'requestedMask',
  'deniedMask',
  'capname',
  'capability',
  'family',
  'sockType',
  'protocol',
  'peer',
  'peerLabel',
  'signal',
  'dbus',
  'syscall',
  'device',
  'action',
  'comm',
  'exe',
  'suggestions',
] as const satisfies readonly (keyof Denial)[];

export interface JsonTemplate {
  readonly values: readonly unknown[];
  /** `{"kind":"apparmor","time":` */
  readonly head: string;
  /** The members from `snap` to `action`, without braces. */
  readonly access: string;
  /** `comm` and `exe`, without braces. */
  readonly process: string;
  /** The encoded suggestions array. */
  readonly suggestions: string;
}

export type TemplateParts = Omit<JsonTemplate, 'values' | 'head'>;

/** Templates kept per suggestions array (repeats share the enricher's array) or for none. */
const PER_KEY = 8;
const bySuggestions = new WeakMap<object, JsonTemplate[]>();
let withoutSuggestions: JsonTemplate[] = [];

function sameValues(template: JsonTemplate, d: Denial): boolean {
  const values = template.values;
  for (let i = 0; i < SHARED_MEMBERS.length; i++) {
    if (d[SHARED_MEMBERS[i]!] !== values[i]) return false;
  }
  return true;
}

/**
 * Templates by the parser's remembered build (see repeatOf): a denial built from it has the same
 * shared members as the one its template was made from, except for what enrich sets (syscall
 * named, suggestions), which is compared.
 */
const byRepeat = new WeakMap<object, JsonTemplate>();
const SYSCALL = SHARED_MEMBERS.indexOf('syscall');
const SUGGESTIONS = SHARED_MEMBERS.indexOf('suggestions');

/** The template for `d`: a kept one made from the same values, else a new one made by `make`. */
export function templateFor(d: Denial, make: (d: Denial) => TemplateParts): JsonTemplate {
  const repeat = repeatOf(d);
  if (repeat === undefined) return matchingTemplate(d, make);
  const known = byRepeat.get(repeat);
  if (
    known !== undefined &&
    known.values[SUGGESTIONS] === d.suggestions &&
    known.values[SYSCALL] === d.syscall
  ) {
    return known;
  }
  const template = matchingTemplate(d, make);
  byRepeat.set(repeat, template);
  return template;
}

function matchingTemplate(d: Denial, make: (d: Denial) => TemplateParts): JsonTemplate {
  const key = d.suggestions;
  let kept = key === undefined ? withoutSuggestions : bySuggestions.get(key);
  if (kept !== undefined) {
    for (const template of kept) if (sameValues(template, d)) return template;
  } else {
    kept = [];
    if (key !== undefined) bySuggestions.set(key, kept);
  }
  const template: JsonTemplate = {
    values: SHARED_MEMBERS.map((member) => d[member]),
    head: `{"kind":${JSON.stringify(d.kind)},"time":`,
    ...make(d),
  };
  if (kept.length >= PER_KEY) kept.pop();
  kept.unshift(template);
  if (key === undefined) withoutSuggestions = kept;
  return template;
}

/** The JSON line of `d` from a template made from its shared members' values. */
export function fromTemplate(template: JsonTemplate, d: Denial): string {
  return (
    `${template.head}${JSON.stringify(d.time ?? d.timeText ?? null)},"source":${JSON.stringify(d.source ?? null)},` +
    `${template.access},"pid":${JSON.stringify(d.pid ?? null)},${template.process},` +
    `"repeat":${JSON.stringify(d.repeat ?? 1)},"raw":${JSON.stringify(d.raw)},"suggestions":${template.suggestions}}\n`
  );
}

/** fromTemplate's line appended to `out` (one string: the batch encodes many lines at once). */
export function appendFromTemplate(template: JsonTemplate, d: Denial, out: ByteBatch): void {
  out.text(fromTemplate(template, d));
}
