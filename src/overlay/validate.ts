/** Checks an entry typed in by hand before it goes into an overlay. Pure: tables and rules are given. */
import { parseProfile, ProfileError } from '../seccomp/profile.js';
import { syscallNames } from '../seccomp/tables.js';
import type { RuleSet } from '../suggest/rules.js';
import { parseApparmorRule, RuleSyntaxError } from './apparmor-rule-parse.js';
import { BY_HAND, type OverlayEntry } from './overlay.js';

/** The entry is not acceptable; the message is one line naming what is wrong. */
export class EntryError extends Error {}

export interface ValidationContext {
  /** Without rules, interface names are not checked (preparing a run checks them). */
  readonly rules?: RuleSet;
  readonly lookupUser?: (name: string) => number | undefined;
  readonly lookupGroup?: (name: string) => number | undefined;
}

let knownSyscalls: ReadonlySet<string> | undefined;
const isKnownSyscall = (name: string): boolean => (knownSyscalls ??= new Set(syscallNames())).has(name);

/** Linux device numbers: 12-bit major, 20-bit minor. */
const MAX_MAJOR = 4095;
const MAX_MINOR = 1048575;

function checkSeccomp(line: string, context: ValidationContext): void {
  const text = line.trim();
  if (text === '' || text.includes('\n')) throw new EntryError('seccomp line must be one non-empty line');
  if (text.startsWith('@') || text.startsWith('#'))
    throw new EntryError(
      `seccomp line "${text}" is not a syscall rule (use "unrestricted on" for @unrestricted)`,
    );
  const name = text.split(/\s+/)[0]!.replace(/^~/, '');
  if (!isKnownSyscall(name)) throw new EntryError(`seccomp line "${text}": unknown syscall "${name}"`);
  try {
    parseProfile(text, {
      file: 'seccomp line',
      isKnownSyscall,
      ...(context.lookupUser !== undefined ? { lookupUser: context.lookupUser } : {}),
      ...(context.lookupGroup !== undefined ? { lookupGroup: context.lookupGroup } : {}),
    });
  } catch (error) {
    if (error instanceof ProfileError) throw new EntryError(`seccomp line "${text}": ${error.detail}`);
    throw error;
  }
}

/** Throws EntryError when the entry names an unknown interface or syscall, a bad rule or device. */
export function validateEntry(e: OverlayEntry, context: ValidationContext): void {
  switch (e.kind) {
    case 'interface':
      if (context.rules !== undefined && !context.rules.byId.has(e.interface))
        throw new EntryError(`unknown interface "${e.interface}": rules/interfaces has no policy for it`);
      return;
    case 'seccomp':
      return checkSeccomp(e.line, context);
    case 'device':
      if (e.type !== 'c' && e.type !== 'b')
        throw new EntryError(`device type "${String(e.type)}" is not c or b`);
      if (!Number.isInteger(e.major) || e.major < 0 || e.major > MAX_MAJOR)
        throw new EntryError(`device major "${e.major}" is not a number from 0 to ${MAX_MAJOR}`);
      if (e.minor !== '*' && (!Number.isInteger(e.minor) || e.minor < 0 || e.minor > MAX_MINOR))
        throw new EntryError(`device minor "${e.minor}" is not a number from 0 to ${MAX_MINOR} or *`);
      return;
    case 'apparmor':
      try {
        parseApparmorRule(e.rule);
      } catch (error) {
        if (error instanceof RuleSyntaxError) throw new EntryError(error.message);
        throw error;
      }
  }
}

/** A device number argument: decimal digits only (no 0x, no sign). */
export function deviceNumber(text: string, what: 'major' | 'minor'): number | '*' {
  if (what === 'minor' && text === '*') return '*';
  if (!/^\d{1,7}$/.test(text))
    throw new EntryError(`device ${what} "${text}" is not a number${what === 'minor' ? ' or *' : ''}`);
  return Number(text);
}

/** The entry `overlay SNAP add KIND ...` names: interface NAME, seccomp LINE, device c|b MAJOR MINOR|*, apparmor RULE. */
export function entryFromWords(words: readonly string[]): OverlayEntry {
  const [kind, ...rest] = words;
  const one = (what: string): string => {
    if (rest.length !== 1 || rest[0] === undefined)
      throw new EntryError(`add ${kind} takes exactly one ${what} (quote it)`);
    return rest[0];
  };
  switch (kind) {
    case 'interface':
      return { kind: 'interface', interface: one('interface name'), reason: BY_HAND };
    case 'seccomp':
      return { kind: 'seccomp', line: one('seccomp line').trim(), reason: BY_HAND };
    case 'apparmor':
      return { kind: 'apparmor', rule: one('AppArmor rule').trim(), reason: BY_HAND };
    case 'device': {
      const [type, major, minor, extra] = rest;
      if (type === undefined || major === undefined || minor === undefined || extra !== undefined)
        throw new EntryError('add device takes c|b MAJOR MINOR|*');
      if (type !== 'c' && type !== 'b') throw new EntryError(`device type "${type}" is not c or b`);
      const majorNumber = deviceNumber(major, 'major') as number;
      return {
        kind: 'device',
        type,
        major: majorNumber,
        minor: deviceNumber(minor, 'minor'),
        reason: BY_HAND,
      };
    }
    default:
      throw new EntryError(`add needs interface, seccomp, device or apparmor, not "${kind ?? ''}"`);
  }
}
