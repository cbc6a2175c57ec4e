/** The overlay as what a developer takes away: plugs for snapcraft.yaml, connect commands, a draft policy. Pure. */
import { draftPolicy } from './draft-policy.js';
import { describeEntry, type OverlayEntry, type PolicyOverlay } from './overlay.js';

export interface OverlayExport {
  /** `plugs:` lines to add to snapcraft.yaml (plugs snap.yaml already declares are left out); '' when none. */
  readonly plugsYaml: string;
  /** `snap connect SNAP:PLUG`, one per interface entry. */
  readonly snapConnect: readonly string[];
  readonly draftPolicy: string;
  /** All of the above with the entries and their reasons, as one Markdown document. */
  readonly markdown: string;
}

type InterfaceEntry = Extract<OverlayEntry, { kind: 'interface' }>;

const plugName = (e: InterfaceEntry): string => e.plug ?? e.interface;

function plugsYaml(entries: readonly InterfaceEntry[], declared: ReadonlySet<string>): string {
  const missing = entries.filter((e) => !declared.has(plugName(e)));
  if (missing.length === 0) return '';
  const lines = ['plugs:'];
  for (const e of missing) {
    if (plugName(e) === e.interface) lines.push(`  ${e.interface}: null`);
    else lines.push(`  ${plugName(e)}:`, `    interface: ${e.interface}`);
  }
  return `${lines.join('\n')}\n`;
}

function fenced(text: string, language: string): string[] {
  return [`\`\`\`${language}`, text.trimEnd(), '```'];
}

function markdown(o: PolicyOverlay, parts: Omit<OverlayExport, 'markdown'>): string {
  const out = [`# Policy overlay of snap ${o.snap}`, ''];
  if (o.unrestricted)
    out.push('**seccomp is unrestricted** (`@unrestricted`): no seccomp filter is enforced.', '');
  if (o.entries.length === 0) out.push('The overlay is empty.', '');
  else {
    out.push('| # | entry | reason |', '| ---: | --- | --- |');
    o.entries.forEach((e, i) => {
      const cell = (text: string): string => text.replace(/\|/g, '\\|');
      out.push(`| ${i + 1} | \`${cell(describeEntry(e))}\` | ${cell(e.reason)} |`);
    });
    out.push('');
  }
  if (parts.plugsYaml !== '') out.push('## snapcraft.yaml', '', ...fenced(parts.plugsYaml, 'yaml'), '');
  if (parts.snapConnect.length > 0)
    out.push('## Connect', '', ...fenced(parts.snapConnect.join('\n'), 'sh'), '');
  out.push('## Draft interface policy', '', ...fenced(parts.draftPolicy, 'yaml'), '');
  return out.join('\n');
}

/** `snapYamlPlugs`: plug names the snap's snap.yaml already declares (left out of plugsYaml). */
export function exportOverlay(
  o: PolicyOverlay,
  snapYamlPlugs: ReadonlySet<string> = new Set(),
): OverlayExport {
  const interfaces = o.entries.filter((e): e is InterfaceEntry => e.kind === 'interface');
  const parts = {
    plugsYaml: plugsYaml(interfaces, snapYamlPlugs),
    snapConnect: interfaces.map((e) => `snap connect ${o.snap}:${plugName(e)}`),
    draftPolicy: draftPolicy(o),
  };
  return { ...parts, markdown: markdown(o, parts) };
}
