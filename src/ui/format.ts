import type { DenialKind } from '../model/denial.js';

export const KIND_LABELS: Readonly<Record<DenialKind, string>> = {
  apparmor: 'AppArmor',
  seccomp: 'seccomp',
  cgroup: 'cgroup',
};

/** Two-letter kind tags for the list. */
export const KIND_TAGS: Readonly<Record<DenialKind, string>> = {
  apparmor: 'AA',
  seccomp: 'SC',
  cgroup: 'CG',
};

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** HH:MM:SS in UTC. */
export function clockTime(at: number): string {
  const d = new Date(at);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** YYYY-MM-DD HH:MM:SS.mmm in UTC. */
export function fullTime(at: number): string {
  const d = new Date(at);
  const millis = String(d.getUTCMilliseconds()).padStart(3, '0');
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${clockTime(at)}.${millis}`;
}

/** Cuts text to `width` columns, ending with … when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

export function fit(text: string, width: number): string {
  return truncate(text, width).padEnd(width);
}

export function fitRight(text: string, width: number): string {
  return truncate(text, width).padStart(width);
}

/** Splits text into lines of at most `width` characters (hard wrap, no word logic). */
export function hardWrap(text: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) lines.push('');
    for (let at = 0; at < line.length; at += width) lines.push(line.slice(at, at + width));
  }
  return lines;
}

/** snap.app as the list names a group's owner. */
export function owner(snap: string, app: string): string {
  return app ? `${snap}.${app}` : snap;
}
