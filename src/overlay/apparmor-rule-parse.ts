/**
 * Reading an AppArmor rule of the shapes apparmorRuleFor writes (and file rules with `owner`)
 * back into the fields rules/interfaces/*.yaml uses: to check rules typed in, and for the draft
 * policy. Pure.
 */

export type ParsedRule =
  | { readonly section: 'file'; readonly path: string; readonly perms: string; readonly owner: boolean }
  | { readonly section: 'capability'; readonly name: string }
  | { readonly section: 'network'; readonly family: string; readonly type?: string }
  | {
      readonly section: 'dbus' | 'signal' | 'ptrace' | 'unix' | 'mount';
      readonly fields: ReadonlyMap<string, string>;
    }
  | { readonly section: 'userns' };

/** Splits on blanks outside quotes and parentheses. */
function words(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let inQuote = false;
  for (const ch of text) {
    if (ch === '"') inQuote = !inQuote;
    else if (!inQuote && ch === '(') depth++;
    else if (!inQuote && ch === ')') depth--;
    if (!inQuote && depth === 0 && /\s/.test(ch)) {
      if (current !== '') out.push(current);
      current = '';
    } else current += ch;
  }
  if (current !== '') out.push(current);
  return out;
}

const unquote = (value: string): string =>
  value.startsWith('"') && value.endsWith('"') && value.length >= 2
    ? value.slice(1, -1).replace(/\\"/g, '"')
    : value;
const ungroup = (value: string): string =>
  value.startsWith('(') && value.endsWith(')') ? value.slice(1, -1).trim() : value;

/** A rule we can read; anything else is an Error whose message says what was expected. */
export class RuleSyntaxError extends Error {}

const FILE_PERMS = /^(?:[rwaklm]|[ipcuPCU]?x)+$/;
const NAME = /^[a-z0-9_]+$/;

/** Reads `access (..)` then key=value words (a `peer=(k=v, ...)` group becomes peer_KEY). */
function keyedFields(rest: readonly string[], rule: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const word of rest) {
    if (word.startsWith('(')) {
      fields.set(
        'access',
        ungroup(word)
          .split(/[\s,]+/)
          .filter(Boolean)
          .join(' '),
      );
      continue;
    }
    const eq = word.indexOf('=');
    if (eq <= 0) throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": "${word}" is not KEY=VALUE`);
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1);
    if (key === 'peer' && value.startsWith('(')) {
      for (const part of ungroup(value).split(/,\s*/).filter(Boolean)) {
        const [k, ...v] = part.split('=');
        if (k === undefined || v.length === 0)
          throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": "${part}" is not KEY=VALUE`);
        fields.set(`peer_${k.trim()}`, unquote(v.join('=').trim()));
      }
    } else fields.set(key, key === 'set' ? ungroup(value) : unquote(value));
  }
  return fields;
}

function mountFields(rest: readonly string[], rule: string): Map<string, string> {
  const fields = new Map<string, string>();
  const plain = rest.filter((w) => {
    if (!w.startsWith('fstype=')) return true;
    fields.set('fstype', unquote(w.slice('fstype='.length)));
    return false;
  });
  const arrow = plain.indexOf('->');
  const target = arrow >= 0 ? plain[arrow + 1] : plain[0];
  if (target === undefined) throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": no mount point`);
  fields.set('mountpoint', unquote(target));
  const source = arrow > 0 ? plain[arrow - 1] : undefined;
  if (source !== undefined) fields.set('source', unquote(source));
  return fields;
}

/** Reads one rule of the shapes apparmorRuleFor writes (and file rules with `owner`). */
export function parseApparmorRule(rule: string): ParsedRule {
  const text = rule.trim();
  if (!text.endsWith(','))
    throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": it must end with ","`);
  const all = words(text.slice(0, -1));
  const owner = all[0] === 'owner';
  const [head, ...rest] = owner ? all.slice(1) : all;
  if (head === undefined) throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": it is empty`);
  if (owner || head.startsWith('/') || head.startsWith('@{') || head.startsWith('"')) {
    const [perms, extra] = rest;
    const path = unquote(head);
    if (
      !(path.startsWith('/') || path.startsWith('@{')) ||
      perms === undefined ||
      extra !== undefined ||
      !FILE_PERMS.test(perms)
    )
      throw new RuleSyntaxError(
        `cannot read AppArmor rule "${rule}": expected "PATH PERMS," (perms from rwaklm and ix)`,
      );
    return { section: 'file', path, perms, owner };
  }
  switch (head) {
    case 'capability':
      if (rest.length !== 1 || !NAME.test(rest[0]!))
        throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": expected "capability NAME,"`);
      return { section: 'capability', name: rest[0]! };
    case 'network': {
      const [family, type, extra] = rest;
      if (
        family === undefined ||
        extra !== undefined ||
        !NAME.test(family) ||
        (type !== undefined && !NAME.test(type))
      )
        throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": expected "network FAMILY [TYPE],"`);
      return type === undefined ? { section: 'network', family } : { section: 'network', family, type };
    }
    case 'userns':
      if (rest.length > 0)
        throw new RuleSyntaxError(`cannot read AppArmor rule "${rule}": expected "userns,"`);
      return { section: 'userns' };
    case 'dbus':
    case 'signal':
    case 'ptrace':
    case 'unix':
      return { section: head, fields: keyedFields(rest, rule) };
    case 'mount':
    case 'umount':
      return { section: 'mount', fields: new Map([['operation', head], ...mountFields(rest, rule)]) };
    default:
      throw new RuleSyntaxError(
        `cannot read AppArmor rule "${rule}": expected a file, capability, network, dbus, signal, ptrace, unix, mount or userns rule`,
      );
  }
}
