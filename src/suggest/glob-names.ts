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
