/**
 * The overlay's own rules (AppArmor, seccomp, devices) as a draft interface policy in the shape
 * of rules/interfaces/*.yaml, each line followed by the denial that motivated it. Pure.
 */
import { parseApparmorRule, RuleSyntaxError, type ParsedRule } from './apparmor-rule-parse.js';
import type { OverlayEntry, PolicyOverlay } from './overlay.js';

type Line = { readonly text: string; readonly reason: string };

/** YAML plain scalar when safe, else a double-quoted (JSON) string. */
function scalar(value: string): string {
  return /^[A-Za-z0-9_./][A-Za-z0-9_./:+-]*$/.test(value) ? value : JSON.stringify(value);
}

function flow(pairs: readonly (readonly [string, string | undefined])[]): string {
  const present = pairs.filter((p): p is readonly [string, string] => p[1] !== undefined && p[1] !== '');
  return `{ ${present.map(([k, v]) => `${k}: ${v.startsWith('[') ? v : scalar(v)}`).join(', ')} }`;
}

/** rules/ spells permissions r w a l k m x in that order, every exec mode as x. */
function schemaPerms(perms: string): string {
  const letters = new Set(perms.replace(/[ipcuPCU]x/g, 'x'));
  return [...'rwalkmx'].filter((p) => letters.has(p)).join('');
}

function apparmorLine(rule: ParsedRule): { section: string; text: string } {
  switch (rule.section) {
    case 'file':
      return {
        section: 'file',
        text: flow([
          ['path', rule.path],
          ['perms', schemaPerms(rule.perms)],
          ['owner', rule.owner ? 'true' : undefined],
        ]),
      };
    case 'capability':
      return { section: 'capability', text: rule.name };
    case 'network':
      return {
        section: 'network',
        text: flow([
          ['family', rule.family],
          ['type', rule.type],
        ]),
      };
    case 'userns':
      return { section: 'userns', text: 'true' };
    case 'dbus': {
      const f = rule.fields;
      return {
        section: 'dbus',
        text: flow([
          ['bus', f.get('bus')],
          ['path', f.get('path')],
          ['interface', f.get('interface')],
          ['member', f.get('member')],
          ['name', f.get('name')],
          ['peer_name', f.get('peer_name')],
          ['peer_label', f.get('peer_label')],
          ['access', f.get('access')],
        ]),
      };
    }
    case 'signal': {
      const f = rule.fields;
      const signals = f
        .get('set')
        ?.split(/[\s,]+/)
        .filter(Boolean);
      return {
        section: 'signal',
        text: flow([
          ['access', f.get('access')],
          ['signal', signals ? `[${signals.map(scalar).join(', ')}]` : undefined],
          ['peer', f.get('peer')],
        ]),
      };
    }
    case 'ptrace':
      return {
        section: 'ptrace',
        text: flow([
          ['access', rule.fields.get('access')],
          ['peer', rule.fields.get('peer')],
        ]),
      };
    case 'unix': {
      const f = rule.fields;
      return {
        section: 'unix',
        text: flow([
          ['type', f.get('type')],
          ['addr', f.get('addr')],
          ['access', f.get('access')],
          ['peer_label', f.get('peer_label')],
          ['peer_addr', f.get('peer_addr')],
        ]),
      };
    }
    case 'mount': {
      const f = rule.fields;
      return {
        section: 'mount',
        text: flow([
          ['operation', f.get('operation')],
          ['fstype', f.get('fstype')],
          ['source', f.get('source')],
          ['mountpoint', f.get('mountpoint')],
        ]),
      };
    }
  }
}

const SECTIONS = ['file', 'capability', 'network', 'dbus', 'signal', 'ptrace', 'unix', 'mount'] as const;

const withReason = (text: string, reason: string): string => `${text}  # ${reason.replace(/\n/g, ' ')}`;

function deviceLine(e: Extract<OverlayEntry, { kind: 'device' }>): Line {
  const what = `${e.type} ${e.major}:${e.minor}`;
  if (e.node === undefined || e.node.endsWith('*')) {
    return {
      text: `# - device ${what}: no /dev name known, write its udev pattern by hand`,
      reason: e.reason,
    };
  }
  const kernel = e.node.slice(e.node.lastIndexOf('/') + 1);
  return { text: `- ${flow([['kernel', kernel]])}`, reason: `${what} (${e.node}); ${e.reason}` };
}

/** The draft policy text (YAML with comments); the overlay's interfaces are named in a comment. */
export function draftPolicy(o: PolicyOverlay): string {
  const apparmor = new Map<string, Line[]>();
  const seccomp: Line[] = [];
  const devices: Line[] = [];
  const unreadable: Line[] = [];
  for (const e of o.entries) {
    if (e.kind === 'seccomp')
      seccomp.push({ text: `- ${scalar(e.line.trim().replace(/\s+/g, ' '))}`, reason: e.reason });
    else if (e.kind === 'device') devices.push(deviceLine(e));
    else if (e.kind === 'apparmor') {
      try {
        const { section, text } = apparmorLine(parseApparmorRule(e.rule));
        apparmor.set(section, [...(apparmor.get(section) ?? []), { text, reason: e.reason }]);
      } catch (error) {
        if (!(error instanceof RuleSyntaxError)) throw error;
        unreadable.push({ text: `# ${e.rule}`, reason: e.reason });
      }
    }
  }
  const interfaces = o.entries.flatMap((e) => (e.kind === 'interface' ? [e.interface] : []));
  const out = [
    `# Draft interface policy from the snappy-debug overlay of snap "${o.snap}",`,
    '# in the shape of rules/interfaces/*.yaml; after each line, the denial that motivated it.',
  ];
  if (interfaces.length > 0)
    out.push(`# The overlay also connects existing interfaces: ${interfaces.join(', ')}`);
  if (o.unrestricted) out.push('# seccomp @unrestricted is on: no seccomp filter was enforced in these runs');
  if (apparmor.size > 0 || unreadable.length > 0) {
    out.push('apparmor:');
    for (const section of SECTIONS) {
      const lines = apparmor.get(section);
      if (lines === undefined) continue;
      out.push(`  ${section}:`, ...lines.map((l) => `    - ${withReason(l.text, l.reason)}`));
    }
    const userns = apparmor.get('userns');
    if (userns?.[0] !== undefined) out.push(`  userns: ${withReason('true', userns[0].reason)}`);
    out.push(...unreadable.map((l) => `  ${withReason(l.text, `not in rules/ form; ${l.reason}`)}`));
  }
  if (seccomp.length > 0) out.push('seccomp:', ...seccomp.map((l) => `  ${withReason(l.text, l.reason)}`));
  if (devices.length > 0) out.push('devices:', ...devices.map((l) => `  ${withReason(l.text, l.reason)}`));
  if (apparmor.size + seccomp.length + devices.length + unreadable.length === 0)
    out.push('# no AppArmor, seccomp or device entries in the overlay');
  return `${out.join('\n')}\n`;
}
