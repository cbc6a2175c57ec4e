/**
 * The bin entry's first look at its command line (main.ts, early-suggestion.ts): whether it asks
 * for a batch replay, the one run whose suggestion process is worth starting before the command's
 * modules load. It may say no where the full parse (cli.ts, commands/scanlog.ts) says yes (any
 * option it does not know: the command then starts the process itself), never the reverse.
 */

/** A snap's name (an instance key after `_`), as scanlog checks it. */
export const SNAP_NAME = /^[a-z0-9](?:-?[a-z0-9])*(?:_[a-z0-9]{1,10})?$/;

/** Options that take no value and leave the run a batch replay. */
const FLAGS = new Set([
  '--no-follow',
  '--all',
  '--include-unconfined',
  '--keep-ratelimit',
  '--json',
  '--plain',
]);

/** Whether the interactive UI would be shown: both ends a terminal, neither --json nor --plain. */
export interface Terminal {
  readonly stdout: boolean;
  /** Asked only when it decides (making process.stdin costs a start about a millisecond). */
  stdin(): boolean;
}

/**
 * The plain file `argv` (the program's arguments) replays in bulk and prints, or undefined when
 * it asks for anything else or the answer needs the full parse.
 */
export function earlyReplayFile(argv: readonly string[], terminal: Terminal): string | undefined {
  const [first, ...rest] = argv;
  // cli.ts: `scanlog`, or options with no command before them (scanlog is the default).
  let args: readonly string[];
  if (first === 'scanlog') args = rest;
  else if (first?.startsWith('--') && first !== '--help' && first !== '--version') args = argv;
  else return undefined;
  let file: string | undefined;
  let onlySnap: string | undefined;
  let positional: string | undefined;
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (FLAGS.has(arg)) {
      given.add(arg);
    } else if (arg === '--file' || arg === '--only-snap') {
      const value = args[++i];
      // A value that starts with a dash is refused by the parse (it must be given as --file=-x).
      if (value === undefined || value.startsWith('-')) return undefined;
      if (arg === '--file') file = value;
      else onlySnap = value;
    } else if (arg.startsWith('--file=')) {
      file = arg.slice('--file='.length);
    } else if (arg.startsWith('--only-snap=')) {
      onlySnap = arg.slice('--only-snap='.length);
    } else if (arg.startsWith('-') || positional !== undefined) {
      return undefined;
    } else {
      positional = arg;
    }
  }
  const snap = onlySnap ?? positional;
  if (snap !== undefined && !SNAP_NAME.test(snap)) return undefined;
  if (file === undefined || file.endsWith('.gz')) return undefined;
  const ui = !given.has('--json') && !given.has('--plain') && terminal.stdout && terminal.stdin();
  return ui ? undefined : file;
}
