// AppArmor globs: to a RegExp (to check samples) and to one concrete path (to build them).

const VARIABLE_REGEX = {
  HOME: '(?:/home/[^/]+|/root)/',
  HOMEDIRS: '/home/',
  PROC: '/proc/',
  pid: '[1-9][0-9]*',
  pids: '[1-9][0-9]*',
  tid: '[1-9][0-9]*',
  multiarch: '[^/]*-linux-gnu[^/]*',
  INSTALL_DIR: '/(?:var/lib/snapd/)?snap',
};
const VARIABLE_VALUE = {
  HOME: '/home/user/',
  HOMEDIRS: '/home/',
  PROC: '/proc/',
  pid: '2345',
  pids: '2345',
  tid: '2346',
  multiarch: 'x86_64-linux-gnu',
  INSTALL_DIR: '/snap',
  SNAP_REVISION: 'x1',
};

function escape(ch) {
  return /[\\^$.|?*+()[\]{}]/.test(ch) ? '\\' + ch : ch;
}

/** Regex source for a glob; `snap` is the instance name that @{SNAP_*NAME} variables stand for. */
export function globToRegexSource(glob, snap = 'demo') {
  let out = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '@' && glob[i + 1] === '{') {
      const end = glob.indexOf('}', i);
      const name = glob.slice(i + 2, end);
      out +=
        VARIABLE_REGEX[name] ?? (/NAME|DESKTOP/.test(name) ? escape(snap).replace(/-/g, '[-_]') : '[^/]+');
      i = end;
    } else if (ch === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      let body = glob.slice(i + 1, end);
      if (body.startsWith('^')) body = '^/' + body.slice(1).replace(/\\/g, '\\\\');
      out += `[${body}]`;
      i = end;
    } else if (ch === '{') {
      out += '(?:';
      depth++;
    } else if (ch === '}') {
      out += ')';
      depth--;
    } else if (ch === ',' && depth > 0) out += '|';
    else out += escape(ch);
  }
  // AppArmor matches "/dir//x" like "/dir/x": variables ending in / are followed by another /.
  return out.replace(/\/\//g, '/');
}

export function globMatches(glob, path, snap = 'demo') {
  const source = globToRegexSource(glob, snap);
  return new RegExp(`^${source}$`).test(path.replace(/\/\/+/g, '/'));
}

function firstAlternative(glob, start) {
  // returns [text of the first alternative, index of the matching '}']
  let depth = 0;
  let first;
  for (let i = start + 1; i < glob.length; i++) {
    if (glob[i] === '{') depth++;
    else if (glob[i] === '}') {
      if (depth === 0) return [first ?? glob.slice(start + 1, i), i];
      depth--;
    } else if (glob[i] === ',' && depth === 0 && first === undefined) first = glob.slice(start + 1, i);
  }
  throw new Error(`unbalanced braces in ${glob}`);
}

/** One concrete path the glob matches (first alternative, "demo"/"0"/"x" for wildcards). */
export function instantiate(glob, snap = 'demo') {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '@' && glob[i + 1] === '{') {
      const end = glob.indexOf('}', i);
      const name = glob.slice(i + 2, end);
      out += VARIABLE_VALUE[name] ?? (/NAME|DESKTOP/.test(name) ? snap : 'x');
      i = end;
    } else if (ch === '*') {
      const afterClass = glob[i - 1] === ']' && glob[i + 1] !== '*';
      if (glob[i + 1] === '*') i++;
      out += afterClass ? '' : 'demo';
    } else if (ch === '?') out += 'x';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, end);
      const negated = body.startsWith('^');
      const candidates = negated ? 'xyzqj0123456789' : body.replace(/\\/g, '').replace(/(.)-(.)/g, '$1');
      const pick = [...candidates].find((c) =>
        new RegExp(`[${negated ? '^/' + body.slice(1) : body}]`).test(c),
      );
      out += pick ?? 'x';
      i = end;
    } else if (ch === '{') {
      const [alternative, end] = firstAlternative(glob, i);
      out += instantiate(alternative, snap);
      i = end;
    } else out += ch;
  }
  return out.replace(/\/\/+/g, '/');
}
