import type { Suggestion } from '../model/denial.js';
import { syscallLine } from './detail-lines.js';
import { fullTime, KIND_LABELS, owner } from './format.js';
import type { DenialGroup } from './group-store.js';

export interface ReportContext {
  readonly generatedAt: number;
  readonly sourceDescription: string;
  /** How the view was filtered, in words ("snap foo, filter /etc/, sorted by count"). */
  readonly viewDescription: string;
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

interface PlugNeed {
  readonly suggestion: Suggestion;
  readonly snaps: Set<string>;
  readonly apps: Set<string>;
  groups: number;
}

/** Interface suggestions of the shown groups, one entry per interface, in first-seen order. */
function plugNeeds(groups: readonly DenialGroup[]): Map<string, PlugNeed> {
  const needs = new Map<string, PlugNeed>();
  for (const group of groups) {
    for (const s of group.latest.suggestions ?? []) {
      if (s.kind !== 'interface' || s.slotsLine !== undefined) continue;
      let need = needs.get(s.id);
      if (!need) {
        need = { suggestion: s, snaps: new Set(), apps: new Set(), groups: 0 };
        needs.set(s.id, need);
      }
      need.snaps.add(group.snap);
      if (group.app) need.apps.add(group.app);
      need.groups++;
    }
  }
  return needs;
}

function snapcraftSnippet(groups: readonly DenialGroup[]): string {
  const plugsByApp = new Map<string, Set<string>>();
  const slots = new Set<string>();
  for (const group of groups) {
    const app = group.app === '' || group.app.startsWith('hook.') ? '' : group.app;
    for (const s of group.latest.suggestions ?? []) {
      if (s.kind !== 'interface') continue;
      // A slot-side answer (the snap provides the interface) belongs under slots:, not plugs:.
      if (s.slotsLine !== undefined) {
        slots.add(s.id);
        continue;
      }
      const plugs = plugsByApp.get(app) ?? new Set<string>();
      plugs.add(s.id);
      plugsByApp.set(app, plugs);
    }
  }
  const topLevel = plugsByApp.get('');
  const lines: string[] = [];
  if (topLevel) lines.push('plugs:', ...[...topLevel].map((plug) => `  ${plug}: null`));
  if (slots.size > 0) lines.push('slots:', ...[...slots].map((slot) => `  ${slot}: null`));
  const apps = [...plugsByApp].filter(([app]) => app !== '');
  if (apps.length > 0) {
    lines.push('apps:');
    for (const [app, plugs] of apps)
      lines.push(`  ${app}:`, '    plugs:', ...[...plugs].map((p) => `      - ${p}`));
  }
  return lines.join('\n');
}

function groupSection(group: DenialGroup, index: number): string[] {
  const d = group.latest;
  const lines = [
    `### ${index}. ${group.summary}`,
    '',
    `- ${KIND_LABELS[group.kind]} ${d.decision ?? 'DENIED'}, ${owner(group.snap, group.app)}, ${group.count} time(s), ` +
      `first ${fullTime(group.firstSeen)}, last ${fullTime(group.lastSeen)} UTC`,
  ];
  const syscall = syscallLine(d);
  if (syscall) lines.push(`- ${syscall}`);
  lines.push('', fence(d.log), '');
  const suggestions = d.suggestions ?? [];
  if (suggestions.length === 0) lines.push('No suggestion.', '');
  for (const s of suggestions) {
    lines.push(`- ${s.text}${s.reason ? ` (${s.reason})` : ''}${s.command ? `: \`${s.command}\`` : ''}`);
  }
  if (suggestions.length > 0) lines.push('');
  return lines;
}

/** The Markdown report of the groups on screen. Pure: the caller writes it. */
export function renderReport(groups: readonly DenialGroup[], context: ReportContext): string {
  const events = groups.reduce((sum, g) => sum + g.count, 0);
  const out = [
    '# snappy-debug report',
    '',
    `- Generated: ${new Date(context.generatedAt).toISOString()}`,
    `- Source: ${context.sourceDescription}`,
    `- View: ${context.viewDescription}`,
    `- ${groups.length} group(s), ${events} denial(s)`,
    '',
    '## Denials',
    '',
    '| # | kind | decision | snap.app | what | count | first seen | last seen |',
    '| --- | --- | --- | --- | --- | ---: | --- | --- |',
    ...groups.map(
      (g, i) =>
        `| ${i + 1} | ${KIND_LABELS[g.kind]} | ${g.latest.decision ?? 'DENIED'} | ${cell(owner(g.snap, g.app))} | ` +
        `${cell(g.summary)} | ${g.count} | ${fullTime(g.firstSeen)} | ${fullTime(g.lastSeen)} |`,
    ),
    '',
    ...groups.flatMap((g, i) => groupSection(g, i + 1)),
    '## Suggested plugs',
    '',
  ];
  const needs = plugNeeds(groups);
  if (needs.size === 0) out.push('No interface was suggested for these denials.', '');
  for (const [id, need] of needs) {
    const command = need.suggestion.command ? `: \`${need.suggestion.command}\`` : '';
    out.push(`- **${id}** for ${need.groups} group(s) of ${[...need.snaps].join(', ')}${command}`);
  }
  const snippet = snapcraftSnippet(groups);
  if (snippet !== '') out.push('', '## snapcraft.yaml', '', fence(snippet, 'yaml'), '');
  return out.join('\n');
}
