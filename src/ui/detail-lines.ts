import type { Denial, Suggestion } from '../model/denial.js';
import { fullTime, hardWrap, KIND_LABELS, owner } from './format.js';
import type { DenialGroup } from './group-store.js';
import type { ThemeRole } from './theme.js';

/** One line of the detail pane, already wrapped to the pane's width. */
export interface DetailLine {
  readonly text: string;
  readonly role: ThemeRole;
}

type Field = readonly [label: string, value: string | number | undefined];

function fieldsOf(d: Denial): Field[] {
  const dbus = d.dbus;
  const device = d.device;
  return [
    ['label', d.label],
    ['operation', d.operation],
    ['class', d.class],
    ['info', d.info],
    ['error', d.error],
    ['path', d.path],
    ['target', d.target],
    ['requested', d.requestedMask],
    ['denied', d.deniedMask],
    ['fsuid', d.fsuid],
    ['ouid', d.ouid],
    ['capability', d.capname !== undefined ? `${d.capname} (${d.capability ?? '?'})` : d.capability],
    ['family', d.family],
    ['sock type', d.sockType],
    ['protocol', d.protocol],
    ['signal', d.signal],
    ['peer', d.peer],
    ['peer label', d.peerLabel],
    ['namespace', d.namespace],
    ['fstype', d.fstype],
    ['srcname', d.srcname],
    ['flags', d.flags],
    ['addr', d.addr],
    ['peer addr', d.peerAddr],
    ['dbus bus', dbus?.bus],
    ['dbus path', dbus?.path],
    ['dbus interface', dbus?.interface],
    ['dbus member', dbus?.member],
    ['dbus name', dbus?.name],
    ['dbus mask', dbus?.mask],
    [
      'device',
      device
        ? `${device.type} ${device.major}:${device.minor}${device.name ? ` ${device.name}` : ''}`
        : undefined,
    ],
    ['access', device?.access],
    [
      'action',
      d.action !== undefined && d.actionData !== undefined ? `${d.action} ${d.actionData}` : d.action,
    ],
    ['code', d.code],
    ['pid', d.pid],
    ['comm', d.comm],
    ['exe', d.exe],
    ['uid', d.uid],
    ['auid', d.auid],
    ['source', d.source],
  ];
}

/** The syscall in words: its name only when the resolver knew it, never a guess. */
export function syscallLine(d: Denial): string | undefined {
  const sc = d.syscall;
  if (!sc) return undefined;
  const name = sc.name ? `${sc.name} (${sc.number})` : `${sc.number} (name not resolved)`;
  const arch = sc.arch ? `${sc.arch}, audit arch ${sc.auditArch}` : `audit arch ${sc.auditArch}`;
  const compat = sc.compat === undefined ? '' : `, compat=${sc.compat}`;
  return `Syscall: ${name} on ${arch}${compat}`;
}

function suggestionLines(suggestions: readonly Suggestion[]): [string, ThemeRole][] {
  if (suggestions.length === 0) return [['  (none yet)', 'muted']];
  const lines: [string, ThemeRole][] = [];
  for (const s of suggestions) {
    const review = s.needsReview ? ' [needs review]' : s.autoConnect ? ' [auto-connected]' : '';
    lines.push([`* ${s.text}${review}`, s.kind === 'interface' ? 'info' : 'normal']);
    if (s.reason) lines.push([`  why: ${s.reason}`, 'muted']);
    if (s.command) lines.push([`  $ ${s.command}`, 'command']);
    if (s.plugsLine) lines.push([`  snapcraft.yaml: ${s.plugsLine}`, 'command']);
    if (s.slotsLine) lines.push([`  snapcraft.yaml: ${s.slotsLine}`, 'command']);
  }
  return lines;
}

/** Everything the detail pane says about a group, wrapped to `width`. Pure. */
export function detailLines(group: DenialGroup, width: number): DetailLine[] {
  const d = group.latest;
  const out: DetailLine[] = [];
  const add = (text: string, role: ThemeRole = 'normal'): void => {
    for (const line of hardWrap(text, width)) out.push({ text: line, role });
  };
  const decision = d.decision ?? 'DENIED';
  add(`${KIND_LABELS[group.kind]} ${decision}  ${owner(group.snap, group.app)}  ${group.summary}`, 'title');
  add(
    `count ${group.count}  first ${fullTime(group.firstSeen)}  last ${fullTime(group.lastSeen)} UTC`,
    'muted',
  );
  const syscall = syscallLine(d);
  if (syscall) add(syscall, 'heading');
  add('Log line (newest):', 'heading');
  add(d.raw, 'normal');
  add('Fields:', 'heading');
  for (const [label, value] of fieldsOf(d)) if (value !== undefined) add(`  ${label}: ${value}`);
  add(`Suggestions (${(d.suggestions ?? []).length}):`, 'heading');
  for (const [text, role] of suggestionLines(d.suggestions ?? [])) add(text, role);
  const kept = group.occurrences;
  add(`Occurrences (last ${kept.length} of ${group.count}):`, 'heading');
  for (const o of [...kept].reverse()) {
    const parts = [
      fullTime(o.at),
      o.pid !== undefined ? `pid ${o.pid}` : 'pid ?',
      o.comm ?? '',
      o.decision ?? '',
    ];
    add(`  ${parts.filter(Boolean).join('  ')}`);
  }
  return out;
}
