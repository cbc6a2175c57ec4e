/** Characters that make a piece of glob text stand for more than itself. */
const SPECIAL = /[*?[\]{}@,\\]/;
/** `name`, or `pre{a,b}post` with literal alternatives. */
const BRACED_NAME = /^([^*?[\]{}@,\\]*)\{([^*?[\]{}@\\]*)\}([^*?[\]{}@,\\]*)$/;

const namesCache = new Map<string, readonly string[] | undefined>();

/**
 * The file names (text after the last slash) every path the glob matches ends with, or
 * undefined when that name can vary (a wildcard, class, variable or nested group in it).
 * `@{PROC}/@{pid}/environ` → ["environ"]; `/etc/{passwd,group}` → ["passwd", "group"];
 * `/dev/tty*` → undefined. The last slash of the glob is the last slash of every match, since
 * the literal text after it holds none.
 */
export function fileNames(glob: string): readonly string[] | undefined {
  if (namesCache.has(glob)) return namesCache.get(glob);
  const pattern = glob.replace(/\/{2,}/g, '/');
  const slash = pattern.lastIndexOf('/');
  const tail = pattern.slice(slash + 1);
  let names: readonly string[] | undefined;
  if (slash >= 0) {
    if (!SPECIAL.test(tail)) names = [tail];
    else {
      const braced = BRACED_NAME.exec(tail);
      if (braced) names = braced[2]!.split(',').map((choice) => `${braced[1]}${choice}${braced[3]}`);
    }
  }
  if (namesCache.size >= 50_000) namesCache.clear();
  namesCache.set(glob, names);
  return names;
}

/** The text after the path's last slash ("environ" of "/proc/1/environ"). */
export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The literal text the file name of every match starts with (at least one character), for a
 * glob whose file name no wildcard can stretch across a slash: "tty" of `/dev/tty[0-9]*`.
 * Undefined for `**`, variables, escapes, classes that can hold "/" (`[+-0]`) and groups or
 * classes opened before the last slash.
 */
export function nameStart(glob: string): string | undefined {
  const pattern = glob.replace(/\/{2,}/g, '/');
  const slash = pattern.lastIndexOf('/');
  if (slash < 0) return undefined;
  const tail = pattern.slice(slash + 1);
  if (tail.includes('**') || tail.includes('@') || tail.includes('\\')) return undefined;
  let depth = 0;
  for (let i = 0; i < tail.length; i++) {
    const ch = tail[i];
    if (ch === '{') depth++;
    else if (ch === '}' && --depth < 0) return undefined;
    else if (ch === ',' && depth === 0) return undefined;
    else if (ch === '[') {
      const end = tail.indexOf(']', i + 2);
      if (end < 0) return undefined;
      if (classMayHoldSlash(tail.slice(i + 1, end))) return undefined;
      i = end;
    } else if (ch === ']') return undefined; // the last slash is inside a class: `[^/x]`
  }
  if (depth !== 0) return undefined;
  const start = /^[^*?[\]{}@,\\]*/.exec(tail)![0];
  return start === '' ? undefined : start;
}

/** Whether a class body (between the brackets) can match "/": a positive one listing it or a range over it. */
function classMayHoldSlash(body: string): boolean {
  if (body.startsWith('^') || body.startsWith('!')) return false;
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      if (body[i]! <= '/' && '/' <= body[i + 2]!) return true;
      i += 2;
    } else if (body[i] === '/') return true;
  }
  return false;
}

/**
 * Keys a glob is filed under by what its file name can be: each exact name ("=environ"), else
 * the first character of its name's literal start ("^t"); undefined when the name can be anything.
 */
export function nameKeys(glob: string): readonly string[] | undefined {
  if (keysCache.has(glob)) return keysCache.get(glob);
  const names = fileNames(glob);
  const start = names ? undefined : nameStart(glob);
  const keys = names ? names.map((name) => `=${name}`) : start === undefined ? undefined : [`^${start[0]}`];
  if (keysCache.size >= 50_000) keysCache.clear();
  keysCache.set(glob, keys);
  return keys;
}

const keysCache = new Map<string, readonly string[] | undefined>();

/** The keys under which globs that can match a path with this file name are filed. */
export function keysOfName(name: string): readonly string[] {
  return name === '' ? ['='] : [`=${name}`, `^${name[0]}`];
}
