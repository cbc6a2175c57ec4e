import type { Denial, Suggestion } from '../model/denial.js';

const HEADINGS: Readonly<Record<Denial['kind'], string>> = {
  apparmor: '= AppArmor =',
  seccomp: '= Seccomp =',
  cgroup: '= Device cgroup =',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Time as snappy-debug prints it: the syslog stamp without a year, e.g. "Mar 13 15:17:16". */
export function displayTime(denial: Denial, timeZone?: string): string | undefined {
  if (denial.timeText !== undefined) return denial.timeText;
  if (denial.time === undefined) return undefined;
  const date = new Date(denial.time);
  if (Number.isNaN(date.getTime())) return denial.time;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    month: 'numeric',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${MONTHS[Number(get('month')) - 1]} ${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** The `Log:` text, with `syscall=N` rewritten as `N(name)` once the name is known (as snappy-debug does). */
export function displayLog(denial: Denial): string {
  const name = denial.syscall?.name;
  if (denial.kind !== 'seccomp' || name === undefined) return denial.log;
  return denial.log.replace(/\bsyscall=(\d+)/, `$1(${name})`);
}

const MASK_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['r', 'read'],
  ['w', 'write'],
  ['c', 'write'],
  ['a', 'write'],
  ['d', 'write'],
  ['x', 'exec'],
  ['m', 'mmap'],
  ['k', 'lock'],
  ['l', 'link'],
];

/** `File:` access words from an AppArmor mask: c or w → write, r → read, ... */
export function maskWords(mask: string): string {
  const words: string[] = [];
  for (const [letter, word] of MASK_WORDS) {
    if (mask.includes(letter) && !words.includes(word)) words.push(word);
  }
  return words.length > 0 ? words.join(', ') : mask;
}

function detailLines(d: Denial): string[] {
  const lines: string[] = [];
  const mask = d.deniedMask ?? d.requestedMask;
  if (d.kind === 'apparmor') {
    if (d.path !== undefined && (d.class === undefined || d.class === 'file') && mask !== undefined) {
      lines.push(`File: ${d.path} (${maskWords(mask)})`);
    }
    if (d.capname !== undefined || d.capability !== undefined) {
      lines.push(`Capability: ${d.capname ?? d.capability}`);
    }
    if (d.operation === 'ptrace' || d.class === 'ptrace') {
      lines.push(`Ptrace: ${[mask, d.peer ?? d.peerLabel].filter(Boolean).join(' peer=')}`);
    }
    if (d.operation === 'signal' || d.class === 'signal') {
      lines.push(`Signal: ${[d.signal, mask].filter(Boolean).join(' ')}${d.peer ? ` peer=${d.peer}` : ''}`);
    }
    if (d.dbus !== undefined) {
      const { bus, path, interface: iface, member } = d.dbus;
      lines.push(`DBus: ${[bus, path, [iface, member].filter(Boolean).join('.')].filter(Boolean).join(' ')}`);
    }
    if (d.family !== undefined) {
      lines.push(
        `Network: ${[d.family, d.sockType].filter(Boolean).join(' ')}${d.protocol !== undefined ? ` protocol=${d.protocol}` : ''}`,
      );
    }
  }
  if (d.kind === 'seccomp' && d.syscall) {
    const { name, number, arch, auditArch } = d.syscall;
    lines.push(`Syscall: ${name ?? `unknown (number ${number} on ${arch ?? `arch ${auditArch}`})`}`);
  }
  if (d.kind === 'cgroup' && d.device) {
    const { type, major, minor, name, access } = d.device;
    lines.push(`Device: ${type} ${major}:${minor}${name ? ` ${name}` : ''} (${access})`);
  }
  return lines;
}

function suggestionLines(suggestions: readonly Suggestion[] | undefined): string[] {
  const shown = (suggestions ?? []).filter((s) => s.kind !== 'none' || suggestions!.length === 1);
  if (shown.length === 0) return [];
  return [shown.length === 1 ? 'Suggestion:' : 'Suggestions:', ...shown.map((s) => `* ${s.text}`)];
}

/** One snappy-debug block (no trailing blank line). */
export function formatBlock(denial: Denial, timeZone?: string): string {
  const time = displayTime(denial, timeZone);
  return [
    HEADINGS[denial.kind],
    ...(time !== undefined ? [`Time: ${time}`] : []),
    `Log: ${displayLog(denial)}`,
    ...detailLines(denial),
    ...suggestionLines(denial.suggestions),
  ].join('\n');
}
