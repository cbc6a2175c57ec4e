/**
 * The paths a snap.yaml may name, checked the way snapd checks them (snap/validate.go): commands
 * stay inside the snap, layouts keep off the directories the system needs and bind only the
 * snap's own files. Pure: the problem as a phrase, or undefined when the path is acceptable.
 */

/** Characters snapd allows in an app's command (anything else confuses snap-exec). */
const COMMAND_CHARS = /^[A-Za-z0-9/. _#:$-]*$/;
/** The same for command-chain entries, which are single words. */
const CHAIN_CHARS = /^[A-Za-z0-9/._#:$-]*$/;

/** Variables a layout path may start with; they all name the snap's own directories. */
const LAYOUT_VARIABLES = ['$SNAP', '$SNAP_DATA', '$SNAP_COMMON'] as const;

/** Nothing at or under these may be replaced by a layout (snapd's list), nor / itself. */
const OFF_LIMITS = [
  '/boot',
  '/dev',
  '/home',
  '/lib/firmware',
  '/lib/modules',
  '/lost+found',
  '/media',
  '/proc',
  '/run',
  '/sys',
  '/tmp',
  '/var/lib/snapd',
  '/var/snap',
] as const;

function hasDotComponent(path: string): boolean {
  return path.split('/').some((part) => part === '.' || part === '..');
}

/** Absolute, no `.`/`..` components, no doubled or trailing slash (what filepath.Clean keeps). */
function isCleanAbsolute(path: string): boolean {
  if (path === '/') return true;
  return path.startsWith('/') && !path.endsWith('/') && !path.includes('//') && !hasDotComponent(path);
}

/** Why the program word of a command or command-chain entry is not a path inside the snap. */
function programProblem(word: string, allowAbsolute: boolean): string | undefined {
  if (hasDotComponent(word))
    return `"${word}" has a "." or ".." component: commands must stay inside the snap`;
  if (word.startsWith('/') && !allowAbsolute)
    return `"${word}" is an absolute path: commands are relative to the snap`;
  return undefined;
}

/** An app's or hook's `command`: allowed characters, and its program inside the snap. */
export function commandProblem(command: string): string | undefined {
  if (!COMMAND_CHARS.test(command)) return `"${command}" holds a character snapd does not allow`;
  const program = command.split(' ').find((word) => word.length > 0);
  if (program === undefined) return 'is empty';
  return programProblem(program, false);
}

/** One `command-chain` entry; an absolute one is refused at launch unless it is a file of the snap. */
export function chainProblem(entry: string): string | undefined {
  if (!CHAIN_CHARS.test(entry) || entry.length === 0)
    return `"${entry}" is not a single word of allowed characters`;
  return programProblem(entry, true);
}

/** The variable a layout path starts with, and the rest of it; undefined for other variables. */
function splitVariable(path: string): { readonly variable?: string; readonly rest: string } | undefined {
  if (!path.startsWith('$')) return { rest: path };
  const name = /^\$[A-Za-z_]*/.exec(path)![0];
  if (!(LAYOUT_VARIABLES as readonly string[]).includes(name)) return undefined;
  return { variable: name, rest: path.slice(name.length) };
}

function usesOnlySnapVariables(path: string): boolean {
  const names = path.match(/\$[A-Za-z_]*/g) ?? [];
  return names.every((name) => (LAYOUT_VARIABLES as readonly string[]).includes(name));
}

function cleanWithVariable(path: string): boolean {
  const split = splitVariable(path);
  if (split === undefined) return false;
  if (split.variable === undefined) return isCleanAbsolute(split.rest);
  return split.rest === '' || isCleanAbsolute(split.rest);
}

/** A layout's mount point (the key under `layout:`) for snap `snapName`. */
export function layoutPathProblem(path: string, snapName: string): string | undefined {
  if (path.length === 0) return 'the path is empty';
  if (!usesOnlySnapVariables(path)) return 'the path may only use $SNAP, $SNAP_DATA or $SNAP_COMMON';
  if (!cleanWithVariable(path))
    return 'the path must be absolute and clean (no ".", "..", "//" or trailing "/")';
  if (path.startsWith('$')) return undefined;
  if (path === '/') return 'a layout cannot replace /';
  const limit = OFF_LIMITS.find((dir) => path === dir || path.startsWith(`${dir}/`));
  if (limit !== undefined) return `${limit} is off limits for layouts`;
  if (path.startsWith('/snap/') && path !== `/snap/${snapName}` && !path.startsWith(`/snap/${snapName}/`)) {
    return 'the path belongs to another snap';
  }
  return undefined;
}

/** A bind, bind-file or symlink layout's source: one of the snap's own directories. */
export function layoutSourceProblem(source: string): string | undefined {
  if (!usesOnlySnapVariables(source)) return `"${source}" may only use $SNAP, $SNAP_DATA or $SNAP_COMMON`;
  if (!source.startsWith('$')) return `"${source}" must start with $SNAP, $SNAP_DATA or $SNAP_COMMON`;
  if (!cleanWithVariable(source))
    return `"${source}" must be a clean path (no ".", "..", "//" or trailing "/")`;
  return undefined;
}
