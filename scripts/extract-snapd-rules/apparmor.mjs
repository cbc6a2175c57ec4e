// Turns AppArmor policy text (snapd snippets, abstractions) into the rules/ data shape.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandTunables } from './tunables.mjs';

const PLACEHOLDERS = {
  '###SLOT_SECURITY_TAGS###': 'unconfined', // classic distro, system slot
  '###PLUG_SECURITY_TAGS###': 'snap.@{SNAP_INSTANCE_NAME}.*',
  '###HOME_IX###': 'ix',
  '###PROMPT###': '',
};
const SOCKET_TYPES = new Set(['stream', 'dgram', 'seqpacket', 'rdm', 'raw']);
const EXEC_MODE = /^(?:[pPcCuU]?i?x|[pPcC]ix|[pPcC]ux|[pPcC]Ux)$/;

function substitutePlaceholders(text) {
  let out = text;
  for (const [from, to] of Object.entries(PLACEHOLDERS)) out = out.split(from).join(to);
  return out;
}

function stripComments(text) {
  return text
    .split('\n')
    .map((line) => {
      if (includeTarget(line) !== undefined) return line;
      const hash = line.search(/(^|\s)#/);
      return hash === -1 ? line : line.slice(0, hash);
    })
    .join('\n');
}

// Splits on top-level commas; skips child-profile blocks `profile x { ... }`.
function statements(text) {
  const out = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    if (!quoted) {
      if (ch === '{' && depth === 0 && /\s$/.test(current) && current.trim() !== '') {
        let level = 1;
        while (level > 0 && ++i < text.length) level += text[i] === '{' ? 1 : text[i] === '}' ? -1 : 0;
        out.push({ block: current.trim() });
        current = '';
        continue;
      }
      if ('({['.includes(ch)) depth++;
      if (')}]'.includes(ch)) depth--;
      if (ch === ',' && depth === 0 && (i + 1 === text.length || /\s/.test(text[i + 1]))) {
        out.push(current.replace(/\s+/g, ' ').trim());
        current = '';
        continue;
      }
    }
    current += ch;
  }
  if (current.trim()) out.push(current.replace(/\s+/g, ' ').trim());
  return out;
}

function unquote(value) {
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

// key=value pairs where value is "quoted", (a, b) or a bare word; returns {access, fields}.
function keyValues(rest) {
  const fields = {};
  let access;
  const re = /\s*(?:\(([^)]*)\)|([a-z_]+)=(\([^)]*\)|"[^"]*"|[^\s]+)|([a-z_]+))/gy;
  let m;
  while ((m = re.exec(rest)) !== null && m[0] !== '') {
    if (m[1] !== undefined) access = m[1].split(/[\s,]+/).filter(Boolean);
    else if (m[2] !== undefined) fields[m[2]] = unquote(m[3]);
    else if (m[4] !== undefined) access = [...(access ?? []), m[4]];
  }
  return { access, fields };
}

function listValue(value) {
  if (value === undefined) return undefined;
  const inner = value.startsWith('(') ? value.slice(1, -1) : value;
  return inner
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(unquote);
}

function peerFields(value) {
  if (value === undefined) return {};
  if (!value.startsWith('(')) return { label: unquote(value) };
  const fields = {};
  // peer=(name=a, label="{b,c}"): commas separate keys only outside quotes and braces
  for (const m of value.slice(1, -1).matchAll(/([a-z_]+)=("[^"]*"|[^\s,{]*\{[^}]*\}[^\s,]*|[^\s,]+)/g)) {
    fields[m[1]] = unquote(m[2]);
  }
  return fields;
}

function normalisePerms(perms) {
  const tokens = perms.match(/[pPcCuU]?i?x|[pPcC][iu]x|[pPcC]Ux|[rwalkmd]/g) ?? [];
  const letters = new Set();
  for (const token of tokens) letters.add(EXEC_MODE.test(token) ? 'x' : token);
  return ['r', 'w', 'a', 'l', 'k', 'm', 'x'].filter((l) => letters.has(l)).join('');
}

function compact(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== ''));
}

export function emptyPolicy() {
  return {
    file: [],
    capability: [],
    network: [],
    dbus: [],
    signal: [],
    ptrace: [],
    unix: [],
    mount: [],
    userns: false,
  };
}

function addRule(policy, statement, via, warn) {
  let s = statement.replace(/^(allow|audit)\s+/, '');
  if (/^deny\s/.test(s)) {
    // Deny rules win over allows; remember them so identical allows can be dropped.
    policy.denied ??= emptyPolicy();
    addRule(policy.denied, s.slice(5), via, () => {});
    return;
  }
  if (/###|%[sdv]/.test(s)) return warn(`skipped rule built from attributes: ${s}`);
  let owner = false;
  if (s.startsWith('owner ')) {
    owner = true;
    s = s.slice(6);
  }
  const [keyword] = s.split(/[\s(]/, 1);
  const rest = s.slice(keyword.length).trim();
  const tag = via ? { via } : {};
  switch (keyword) {
    case 'capability':
      policy.capability.push(...(rest ? rest.split(/\s+/) : ['*']));
      return;
    case 'network': {
      const words = rest.split(/\s+/).filter(Boolean);
      if (words.length === 0) policy.network.push({ family: '*', ...tag });
      else if (SOCKET_TYPES.has(words[0])) policy.network.push({ family: '*', type: words[0], ...tag });
      else policy.network.push(compact({ family: words[0], type: words[1], ...tag }));
      return;
    }
    case 'dbus': {
      const { access, fields } = keyValues(rest);
      const peer = peerFields(fields.peer);
      policy.dbus.push(
        compact({
          bus: fields.bus,
          path: fields.path && unquote(fields.path),
          interface: fields.interface && unquote(fields.interface),
          member: fields.member && unquote(fields.member),
          name: fields.name && unquote(fields.name),
          peer_name: peer.name && unquote(peer.name),
          peer_label: peer.label && unquote(peer.label),
          access: (access ?? ['send', 'receive', 'bind', 'eavesdrop']).join(' '),
          ...tag,
        }),
      );
      return;
    }
    case 'signal': {
      const { access, fields } = keyValues(rest);
      policy.signal.push(
        compact({
          access: (access ?? ['send', 'receive']).join(' '),
          signal: listValue(fields.set),
          peer: fields.peer && unquote(fields.peer),
          ...tag,
        }),
      );
      return;
    }
    case 'ptrace': {
      const { access, fields } = keyValues(rest);
      policy.ptrace.push(
        compact({
          access: (access ?? ['read', 'trace']).join(' '),
          peer: fields.peer && unquote(fields.peer),
          ...tag,
        }),
      );
      return;
    }
    case 'unix': {
      const { access, fields } = keyValues(rest);
      const peer = peerFields(fields.peer);
      policy.unix.push(
        compact({
          type: fields.type,
          addr: fields.addr && unquote(fields.addr),
          access: access?.join(' '),
          peer_label: peer.label && unquote(peer.label),
          peer_addr: peer.addr && unquote(peer.addr),
          ...tag,
        }),
      );
      return;
    }
    case 'mount':
    case 'remount':
    case 'umount':
    case 'pivot_root': {
      const [left, target] = rest.split(/\s*->\s*/);
      const fields = {};
      let remaining = left ?? '';
      for (const m of remaining.matchAll(/([a-z_]+)\s*=\s*(\([^)]*\)|"[^"]*"|\S+)/g)) fields[m[1]] = m[2];
      remaining = remaining.replace(/([a-z_]+)\s*=\s*(\([^)]*\)|"[^"]*"|\S+)/g, '').trim();
      const options = listValue(fields.options);
      const fstype = listValue(fields.fstype);
      const mountpoint = keyword === 'mount' ? target : remaining || target;
      policy.mount.push(
        compact({
          operation: keyword,
          fstype: fstype?.join(','),
          options: options?.join(','),
          source: keyword === 'mount' && remaining ? unquote(remaining) : undefined,
          mountpoint: mountpoint && unquote(mountpoint),
          ...tag,
        }),
      );
      return;
    }
    case 'userns':
      policy.userns = true;
      return;
    case 'all':
      policy.file.push({ path: '/{,**}', perms: 'rwalkmx', ...tag });
      policy.capability.push('*');
      policy.network.push({ family: '*', ...tag });
      policy.dbus.push({ access: 'send receive bind eavesdrop', ...tag });
      policy.signal.push({ access: 'send receive', ...tag });
      policy.ptrace.push({ access: 'read trace', ...tag });
      policy.unix.push({ ...tag });
      policy.mount.push({ operation: 'mount', ...tag });
      policy.userns = true;
      return;
    case 'file':
      if (rest === '') {
        policy.file.push({ path: '/{,**}', perms: 'rwalkmx', ...tag });
        return;
      }
      return addRule(policy, rest, via, warn);
    case 'link': {
      const path = rest.replace(/^subset\s+/, '').split(/\s*->\s*/)[0];
      policy.file.push({ path: unquote(path), perms: 'l', ...(owner ? { owner } : {}), ...tag });
      return;
    }
    case 'abi':
    case 'change_profile':
    case 'set':
    case 'signal_all':
    case 'io_uring':
    case 'mqueue':
    case 'rlimit':
      return;
    default:
      break;
  }
  const pathFirst = /^("[^"]*"|[/@][^\s]*)\s+([a-zA-Z]+)(?:\s*->\s*\S+)?$/.exec(s);
  const permsFirst = /^([a-zA-Z]+)\s+("[^"]*"|[/@][^\s]*)(?:\s*->\s*\S+)?$/.exec(s);
  if (pathFirst) policy.file.push(fileRule(pathFirst[1], pathFirst[2], owner, tag));
  else if (permsFirst) policy.file.push(fileRule(permsFirst[2], permsFirst[1], owner, tag));
  else if (/^@\{\w+\}\s*\+?=/.test(s)) return;
  else warn(`unparsed rule: ${s}`);
}

function fileRule(path, perms, owner, tag) {
  return {
    path: expandTunables(unquote(path)),
    perms: normalisePerms(perms),
    ...(owner ? { owner } : {}),
    ...tag,
  };
}

function includeTarget(line) {
  const m = /^\s*#?\s*include\s+(?:if exists\s+)?[<"]([^>"]+)[>"]/.exec(line);
  return m?.[1];
}

// Child profiles (`profile name (flags) {` ... `}`) confine helpers, not the app itself.
function withoutChildProfiles(text) {
  const out = [];
  let depth = 0;
  for (const line of text.split('\n')) {
    if (depth === 0 && /^\s*(profile\s|\^)\S.*\{\s*$/.test(line)) depth = 1;
    else if (depth > 0) depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    else out.push(line);
  }
  return out.join('\n');
}

function addText(policy, text, context, seen) {
  const cleaned = withoutChildProfiles(stripComments(substitutePlaceholders(text)));
  let body = [];
  const flush = () => {
    for (const statement of statements(body.join('\n'))) {
      if (typeof statement === 'object') continue; // child profile: not the app's own policy
      if (statement) addRule(policy, statement, context.via, context.warn);
    }
    body = [];
  };
  for (const line of cleaned.split('\n')) {
    const target = includeTarget(line);
    if (target === undefined) {
      body.push(line);
      continue;
    }
    flush();
    const file = context.abstractions && join(context.abstractions, '..', target);
    if (!file || seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file) || !target.startsWith('abstractions/')) {
      if (!target.includes('.d') && !target.startsWith('local/'))
        context.warn(`include not expanded: ${target}`);
      continue;
    }
    addText(policy, readFileSync(file, 'utf8'), { ...context, via: target }, seen);
  }
  flush();
}

/** @param {{abstractions?: string, warn: (m: string) => void}} context */
// The part of a rule a deny rule names: an allow with the same target is overridden.
const TARGET = {
  file: (r) => r.path,
  unix: (r) => JSON.stringify([r.type, r.addr, r.peer_addr, r.peer_label]),
  dbus: (r) => JSON.stringify([r.bus, r.path, r.interface, r.member, r.name, r.peer_name]),
  ptrace: (r) => r.peer,
  signal: (r) => r.peer,
  network: (r) => JSON.stringify([r.family, r.type]),
};

function dropDenied(policy) {
  const { denied } = policy;
  delete policy.denied;
  if (!denied) return;
  for (const [key, target] of Object.entries(TARGET)) {
    const deniedTargets = new Set(denied[key].map(target));
    policy[key] = policy[key].filter((rule) => !deniedTargets.has(target(rule)));
  }
  const deniedCaps = new Set(denied.capability);
  policy.capability = policy.capability.filter((c) => !deniedCaps.has(c));
}

export function parseAppArmor(text, context) {
  const policy = emptyPolicy();
  addText(policy, text, { ...context, via: undefined }, new Set());
  dropDenied(policy);
  policy.capability = [...new Set(policy.capability)];
  for (const key of ['file', 'network', 'dbus', 'signal', 'ptrace', 'unix', 'mount']) {
    const seen = new Set();
    policy[key] = policy[key].filter((rule) => {
      const k = JSON.stringify(rule);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  return policy;
}
