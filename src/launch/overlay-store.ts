/**
 * Where a snap's policy overlay lives: DIR/SNAP.json (default /var/lib/snappy-debug/overlays),
 * written to a temporary file and renamed so a failed write leaves the previous file intact.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyOverlay, type OverlayEntry, type PolicyOverlay } from '../overlay/overlay.js';
import { EntryError, validateEntry, type ValidationContext } from '../overlay/validate.js';

export const OVERLAY_DIR = '/var/lib/snappy-debug/overlays';

/** OVERLAY_DIR, or $SNAPPY_DEBUG_OVERLAYS (tests, and users without root). */
export function overlayDir(): string {
  return process.env.SNAPPY_DEBUG_OVERLAYS ?? OVERLAY_DIR;
}

/** A file that is not an overlay, or cannot be written; the message is one line. */
export class OverlayError extends Error {}

const INSTANCE_NAME = /^[a-z0-9](?:-?[a-z0-9])*(?:_[a-z0-9]{1,10})?$/;

export function overlayPath(snap: string, dir = overlayDir()): string {
  if (!INSTANCE_NAME.test(snap)) throw new OverlayError(`cannot use overlay of "${snap}": not a snap name`);
  return join(dir, `${snap}.json`);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function entryOf(raw: unknown, where: string, fail: (key: string, what: string) => never): OverlayEntry {
  if (!isObject(raw)) fail(where, 'is not an object');
  const text = (key: string, optional = false): string | undefined => {
    const value = raw[key];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value === '') fail(`${where}.${key}`, 'is not a non-empty string');
    return value;
  };
  if (!['interface', 'seccomp', 'device', 'apparmor'].includes(raw.kind as string))
    fail(`${where}.kind`, 'is not interface, seccomp, device or apparmor');
  const reason = text('reason')!;
  switch (raw.kind) {
    case 'interface': {
      const plug = text('plug', true);
      return {
        kind: 'interface',
        interface: text('interface')!,
        ...(plug !== undefined ? { plug } : {}),
        reason,
      };
    }
    case 'seccomp':
      return { kind: 'seccomp', line: text('line')!, reason };
    case 'apparmor':
      return { kind: 'apparmor', rule: text('rule')!, reason };
    case 'device': {
      const { type, major, minor } = raw;
      if (type !== 'c' && type !== 'b') fail(`${where}.type`, 'is not "c" or "b"');
      if (!Number.isInteger(major) || (major as number) < 0) fail(`${where}.major`, 'is not a device number');
      if (minor !== '*' && (!Number.isInteger(minor) || (minor as number) < 0))
        fail(`${where}.minor`, 'is not a device number or "*"');
      const node = text('node', true);
      return {
        kind: 'device',
        type,
        major: major as number,
        minor: minor as number | '*',
        ...(node !== undefined ? { node } : {}),
        reason,
      };
    }
    default:
      return fail(`${where}.kind`, 'is not interface, seccomp, device or apparmor');
  }
}

/** uid or gid by name from /etc/passwd or /etc/group (u:NAME and g:NAME in seccomp lines). */
export function idLookup(file: string): (name: string) => number | undefined {
  return (name) => {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === name && /^\d+$/.test(fields[2] ?? '')) return Number(fields[2]);
    }
    return undefined;
  };
}

/** Users and groups of this system, for checking seccomp lines. */
export function systemIds(): Pick<ValidationContext, 'lookupUser' | 'lookupGroup'> {
  return { lookupUser: idLookup('/etc/passwd'), lookupGroup: idLookup('/etc/group') };
}

/**
 * The overlay read from its JSON text; `file` names it in errors. Seccomp lines, AppArmor rules
 * and devices are checked as `overlay add` checks them (interface names are checked by prepare).
 */
export function parseOverlay(
  text: string,
  snap: string,
  file: string,
  context: ValidationContext = {},
): PolicyOverlay {
  const fail = (key: string, what: string): never => {
    throw new OverlayError(`cannot read overlay ${file}: ${key} ${what}`);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OverlayError(`cannot read overlay ${file}: not JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) return fail('the file', 'is not a JSON object');
  if (data.snap !== snap) fail('snap', `is not "${snap}"`);
  if (typeof data.unrestricted !== 'boolean') fail('unrestricted', 'is not true or false');
  if (!Array.isArray(data.entries)) fail('entries', 'is not a list');
  const entries = (data.entries as unknown[]).map((raw, i) => {
    const entry = entryOf(raw, `entries[${i}]`, fail);
    try {
      validateEntry(entry, context);
    } catch (error) {
      if (error instanceof EntryError) fail(`entries[${i}]:`, error.message);
      throw error;
    }
    return entry;
  });
  return { snap, unrestricted: data.unrestricted as boolean, entries };
}

/** The snap's overlay; a missing file is an empty overlay. */
export function loadOverlay(snap: string, dir = overlayDir()): PolicyOverlay {
  const file = overlayPath(snap, dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyOverlay(snap);
    throw new OverlayError(`cannot read overlay ${file}: ${code ?? (error as Error).message}`);
  }
  return parseOverlay(text, snap, file, systemIds());
}

/** Cleanup after a failed write: what cannot be removed (not our file) is left alone. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a directory or a foreign file at the temporary name: not ours to remove
  }
}

/** Writes the overlay (0644, directory made 0755) and returns the path written. */
export function saveOverlay(o: PolicyOverlay, dir = overlayDir()): string {
  const file = overlayPath(o.snap, dir);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(temp, `${JSON.stringify(o, null, 2)}\n`, { mode: 0o644 });
    chmodSync(temp, 0o644);
    renameSync(temp, file);
  } catch (error) {
    removeQuietly(temp);
    const code = (error as NodeJS.ErrnoException).code;
    throw new OverlayError(`cannot write overlay ${file}: ${code ?? (error as Error).message}`);
  }
  return file;
}

/** Removes the snap's overlay file; true when there was one. */
export function deleteOverlay(snap: string, dir = overlayDir()): boolean {
  const file = overlayPath(snap, dir);
  try {
    rmSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new OverlayError(`cannot remove overlay ${file}: ${(error as NodeJS.ErrnoException).code}`);
  }
}

/** The overlay `run` and `compare` apply: undefined when the snap has no overlay file. */
export function runOverlay(
  snap: string,
  dir = overlayDir(),
): { readonly overlay: PolicyOverlay; readonly path: string } | undefined {
  const path = overlayPath(snap, dir);
  return existsSync(path) ? { overlay: loadOverlay(snap, dir), path } : undefined;
}

/** `overlay FILE: 3 entries applied, seccomp unrestricted` */
export function appliedNote(path: string, o: PolicyOverlay): string {
  const n = o.entries.length;
  return `overlay ${path}: ${n} ${n === 1 ? 'entry' : 'entries'} applied${o.unrestricted ? ', seccomp unrestricted' : ''}`;
}
