// Reads the pieces of an interfaces/builtin/*.go file that carry plug-side policy: raw-string
// constants (and `+` concatenations of them), []string udev lists, the commonInterface fields
// and the bodies of the *ConnectedPlug methods.

const TERM = /^\s*(?:`([^`]*)`|"((?:[^"\\]|\\.)*)"|([A-Za-z_]\w*))/;

function unescapeGo(text) {
  return text.replace(/\\(.)/g, (_, ch) => ({ n: '\n', t: '\t' })[ch] ?? ch);
}

function readExpression(text, start, strings) {
  let pos = start;
  let value = '';
  for (;;) {
    const match = TERM.exec(text.slice(pos));
    if (!match) return undefined;
    if (match[1] !== undefined) value += match[1];
    else if (match[2] !== undefined) value += unescapeGo(match[2]);
    else if (strings.has(match[3])) value += strings.get(match[3]);
    else return undefined;
    pos += match[0].length;
    const plus = /^\s*\+/.exec(text.slice(pos));
    if (!plus) return value;
    pos += plus[0].length;
  }
}

// Text of a Go composite literal from `start` (just after `{`) to its closing brace.
function listBody(text, start) {
  let i = start;
  while (i < text.length && text[i] !== '}') {
    if (text[i] === '`') i = text.indexOf('`', i + 1);
    else if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    }
    i++;
  }
  return text.slice(start, i);
}

function readStringList(body) {
  const items = [];
  for (const m of body.matchAll(/`([^`]*)`|"((?:[^"\\]|\\.)*)"/g)) {
    items.push(m[1] ?? unescapeGo(m[2]));
  }
  return items;
}

function methodBody(text, method) {
  const header = new RegExp(`func \\(\\w+ \\*?\\w+\\) ${method}\\(`).exec(text);
  if (!header) return undefined;
  const end = text.indexOf('\n}\n', header.index);
  return text.slice(header.index, end === -1 ? undefined : end);
}

export function parseGoFile(text) {
  const strings = new Map();
  // Two passes so a constant may refer to one defined later in the file.
  for (let pass = 0; pass < 2; pass++) {
    for (const m of text.matchAll(
      /(?:^|\n)\s*(?:const\s+|var\s+)?([A-Za-z_]\w*)\s*(?:string\s*)?=\s*(?=[`"A-Za-z_])/g,
    )) {
      const value = readExpression(text, m.index + m[0].length, strings);
      if (value !== undefined && !strings.has(m[1])) strings.set(m[1], value);
    }
  }
  const lists = new Map();
  for (const m of text.matchAll(/([A-Za-z_]\w*)\s*=\s*\[\]string\s*\{/g)) {
    lists.set(m[1], readStringList(listBody(text, m.index + m[0].length)));
  }
  const field = (name) => {
    const m = new RegExp(`\\b${name}:\\s*`).exec(text);
    if (!m) return undefined;
    const rest = text.slice(m.index + m[0].length);
    const list = /^\[\]string\s*\{/.exec(rest);
    if (list) return { list: readStringList(listBody(rest, list[0].length)) };
    const ident = /^([A-Za-z_]\w*)/.exec(rest);
    if (ident && lists.has(ident[1])) return { list: lists.get(ident[1]), name: ident[1] };
    const value = readExpression(text, m.index + m[0].length, strings);
    return value === undefined ? undefined : { value, name: ident?.[1] };
  };
  return {
    text,
    strings,
    lists,
    field,
    baseDeclarationPlugs: field('baseDeclarationPlugs')?.value ?? field('BaseDeclarationPlugs')?.value ?? '',
    baseDeclarationSlots: field('baseDeclarationSlots')?.value ?? field('BaseDeclarationSlots')?.value ?? '',
  };
}

// Constants referenced by a method body, in order of first use; inline raw strings too.
function referencedSnippets(go, body, excluded, names, withLists = false) {
  const out = [];
  if (!body) return out;
  // Rules emitted for snap-update-ns (mount setup) are not the app's policy.
  const code = body
    .replace(/\/\/[^\n]*/g, '')
    .replace(/(?:emit|AddUpdateNS\w*)\(\s*`[^`]*`[^\n]*/g, '')
    .replace(/^.*(?:emit|AddUpdateNS\w*)\(.*$/gm, '');
  for (const m of code.matchAll(/`([^`]*)`|\b([A-Za-z_]\w*)\b/g)) {
    if (m[1] !== undefined) {
      if (/AddSnippet\(\s*(?:fmt\.Sprintf\(\s*)?$/.test(code.slice(0, m.index)) && /\n|,\s*$/.test(m[1]))
        out.push(m[1]);
      continue;
    }
    const id = m[2];
    if (excluded.has(id) || names.includes(id)) continue;
    if (
      go.strings.has(id) &&
      !/Summary|BaseDeclaration|Slot/.test(id) &&
      /\n|KERNEL|SUBSYSTEM/.test(go.strings.get(id))
    ) {
      names.push(id);
      out.push(go.strings.get(id));
    } else if (withLists && go.lists.has(id) && !/Slot/.test(id)) {
      names.push(id);
      out.push(...go.lists.get(id));
    }
  }
  return out;
}

function tagDeviceLiterals(body) {
  if (!body) return [];
  return [...body.matchAll(/TagDevice\(\s*`([^`]*)`\s*\)/g)].map((m) => m[1]);
}

export function plugSnippets(go, excluded) {
  const names = [];
  const fromField = (fieldName) => {
    const f = go.field(fieldName);
    if (!f || (f.name && excluded.has(f.name))) return [];
    if (f.name) names.push(f.name);
    return f.list ?? [f.value];
  };
  const apparmor = [
    ...fromField('connectedPlugAppArmor'),
    ...referencedSnippets(go, methodBody(go.text, 'AppArmorConnectedPlug'), excluded, names),
  ];
  const seccomp = [
    ...fromField('connectedPlugSecComp'),
    ...referencedSnippets(go, methodBody(go.text, 'SecCompConnectedPlug'), excluded, names),
  ];
  const udevBody = methodBody(go.text, 'UDevConnectedPlug');
  const udev = [
    ...fromField('connectedPlugUDev'),
    ...tagDeviceLiterals(udevBody),
    ...referencedSnippets(go, udevBody, excluded, names, true).filter((s) => /KERNEL|SUBSYSTEM/.test(s)),
  ];
  return { apparmor, seccomp, udev, names };
}

/**
 * AppArmor a snap gets for *providing* the slot itself (permanentSlotAppArmor and the constants
 * AppArmorPermanentSlot adds): the compositor's socket lock, a media player's bus name.
 */
export function permanentSlotSnippets(go) {
  const out = [];
  const field = go.field('permanentSlotAppArmor');
  if (field?.value) out.push(field.value);
  const body = methodBody(go.text, 'AppArmorPermanentSlot');
  if (body) {
    const code = body.replace(/\/\/[^\n]*/g, '');
    for (const m of code.matchAll(/\b([A-Za-z_]\w*)\b/g)) {
      const value = go.strings.get(m[1]);
      if (
        value !== undefined &&
        /\n/.test(value) &&
        !/Summary|BaseDeclaration/.test(m[1]) &&
        !out.includes(value)
      )
        out.push(value);
    }
  }
  return out;
}
