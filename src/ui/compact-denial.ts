import type { Denial } from '../model/denial.js';
import { ownCopy } from './own-copy.js';

/**
 * Members the UI never reads from a kept record: the group has its own times and occurrences, and
 * the detail pane lists neither these nor `fields` (every key=value again, as separate strings).
 */
type NotKept =
  'fields' | 'time' | 'timeText' | 'auditStamp' | 'auditType' | 'sig' | 'ses' | 'ip' | 'repeat' | 'peerPid';

/** The line and its log text: the group keeps them in its LineArena slot, not in the record. */
export type LineMember = 'raw' | 'log';

/** Short names that repeat across groups: one copy each, shared through the store's intern. */
const NAMES = [
  'source',
  'decision',
  'label',
  'snap',
  'instance',
  'app',
  'hook',
  'operation',
  'class',
  'info',
  'requestedMask',
  'deniedMask',
  'capname',
  'family',
  'sockType',
  'fstype',
  'flags',
  'action',
  'code',
  'comm',
  'exe',
] as const;
/** Texts particular to a group (paths, peers, addresses): an own copy each. */
const TEXTS = [
  'path',
  'target',
  'signal',
  'peer',
  'peerLabel',
  'namespace',
  'srcname',
  'addr',
  'peerAddr',
] as const;
const NUMBERS = [
  'error',
  'fsuid',
  'ouid',
  'capability',
  'protocol',
  'actionData',
  'pid',
  'uid',
  'auid',
] as const;
/** Objects of a few scalar members each. */
const STRUCTS = ['dbus', 'syscall', 'device'] as const;

type Kept =
  (typeof NAMES)[number] | (typeof TEXTS)[number] | (typeof NUMBERS)[number] | (typeof STRUCTS)[number];
/** A member added to Denial and listed nowhere here fails to compile. */
type Unlisted = Exclude<keyof Denial, Kept | NotKept | LineMember | 'kind' | 'suggestions'>;
const everyMemberListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMemberListed;

/** A kept record without its line: `raw` and `log` are supplied by whoever keeps the line. */
export type CompactDenial = Omit<Denial, LineMember>;

type Slots = Record<string, unknown>;
type Intern = (text: string) => string;

function sameStruct(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left = a as Slots;
  const right = b as Slots;
  let members = 0;
  for (const key in left) {
    if (left[key] !== right[key]) return false;
    members++;
  }
  for (const _key in right) members--;
  return members === 0;
}

function sameSuggestions(a: Denial['suggestions'], b: Denial['suggestions']): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((s, i) => sameStruct(s, b[i]));
}

/** Struct strings this short (an arch, an access mask, a bus) are shared through the intern. */
const SHORT_STRUCT_TEXT = 13;

/**
 * A copy whose strings are its own (a struct parsed from a line holds slices of it): short ones
 * shared with every other record's, longer ones copied.
 */
function ownStruct<T extends object>(struct: T, intern: Intern): T {
  const copy: Slots = {};
  for (const [key, value] of Object.entries(struct)) {
    if (typeof value !== 'string') copy[key] = value;
    else copy[key] = value.length < SHORT_STRUCT_TEXT ? intern(value) : ownCopy(value);
  }
  return copy as T;
}

const NAME = 1;
const TEXT = 2;
const NUMBER = 3;
const STRUCT = 4;
const SUGGESTIONS = 5;
type Role = typeof NAME | typeof TEXT | typeof NUMBER | typeof STRUCT | typeof SUGGESTIONS;

/** How each kept member is copied; members absent here (NotKept, the line, kind) are not. */
const ROLES: Readonly<Record<string, Role | undefined>> = Object.freeze(
  Object.fromEntries([
    ...NAMES.map((key) => [key, NAME]),
    ...TEXTS.map((key) => [key, TEXT]),
    ...NUMBERS.map((key) => [key, NUMBER]),
    ...STRUCTS.map((key) => [key, STRUCT]),
    ['suggestions', SUGGESTIONS],
  ]) as Record<string, Role>,
);

/** How many kept members a record has: a hidden count, so a refresh need not count them again. */
const MEMBERS = Symbol('members');

function copied(role: Role, value: unknown, intern: Intern): unknown {
  switch (role) {
    case NAME:
      return intern(value as string);
    case TEXT:
      return ownCopy(value as string);
    case STRUCT:
      return ownStruct(value as object, intern);
    default:
      // Numbers; suggestions are shared with every record the enricher gave the same ones.
      return value;
  }
}

function same(role: Role, kept: unknown, value: unknown): boolean {
  if (kept === value) return true;
  if (role === STRUCT) return sameStruct(kept, value);
  if (role === SUGGESTIONS)
    return sameSuggestions(kept as Denial['suggestions'], value as Denial['suggestions']);
  return false;
}

/**
 * The record a group keeps as its newest sample: every member the detail pane, the filter and the
 * report read (see NotKept for those left out) but its line. Only the members the record has are
 * kept (a slot costs 8 bytes whether it holds a value or not), and no string of it is a slice of
 * the line it was parsed from.
 */
export function compactDenial(d: Denial, intern: Intern): CompactDenial {
  const from = d as unknown as Slots;
  // From {}: an empty literal has room for four members in the object itself, { kind } for one.
  const kept: Slots = {};
  kept.kind = d.kind;
  let members = 0;
  for (const key in from) {
    const role = ROLES[key];
    const value = from[key];
    if (role === undefined || value === undefined) continue;
    kept[key] = copied(role, value, intern);
    members++;
  }
  Object.defineProperty(kept, MEMBERS, { value: members });
  return kept as unknown as CompactDenial;
}

/**
 * The kept record updated to `d`. When `d` has the same members (a group's events usually do) the
 * record is updated in place, and only members whose value changed are replaced: the record is
 * old by the time its group repeats, and a new value stored in it outlives the young generation.
 * Otherwise a new compact copy.
 */
export function refreshedDenial(kept: CompactDenial, d: Denial, intern: Intern): CompactDenial {
  if (d.kind !== kept.kind) return compactDenial(d, intern);
  const slots = kept as unknown as Slots;
  const from = d as unknown as Slots;
  let members = 0;
  for (const key in from) {
    const role = ROLES[key];
    const value = from[key];
    if (role === undefined || value === undefined) continue;
    const old = slots[key];
    // A member the kept record lacks: a new copy (what was written so far goes with the old one).
    if (old === undefined) return compactDenial(d, intern);
    if (!same(role, old, value)) slots[key] = copied(role, value, intern);
    members++;
  }
  return members === slots[MEMBERS as unknown as string] ? kept : compactDenial(d, intern);
}
