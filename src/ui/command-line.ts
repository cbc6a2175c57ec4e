/** A `:` command as typed, understood. */
export type CommandLine =
  | { readonly type: 'snap'; readonly name?: string }
  | { readonly type: 'source'; readonly name: string }
  | { readonly type: 'export'; readonly path: string }
  | { readonly type: 'clear' }
  | { readonly type: 'error'; readonly message: string };

const SNAP_NAME = /^[a-z0-9](?:-?[a-z0-9])*(?:_[a-z0-9]{1,10})?$/;

export const COMMAND_LINE_HELP = ':snap NAME (:snap alone: all), :source NAME, :export PATH, :clear';

/** Parses the text typed after `:`. Pure. */
export function parseCommandLine(text: string): CommandLine {
  const [word = '', ...rest] = text.trim().split(/\s+/);
  const argument = rest.join(' ');
  switch (word) {
    case 'snap':
      if (argument === '') return { type: 'snap' };
      if (!SNAP_NAME.test(argument)) return { type: 'error', message: `not a snap name: "${argument}"` };
      return { type: 'snap', name: argument };
    case 'source':
      if (argument === '')
        return { type: 'error', message: ':source needs a NAME (journald, syslog, kmsg, audit)' };
      return { type: 'source', name: argument };
    case 'export':
      if (argument === '') return { type: 'error', message: ':export needs a PATH' };
      return { type: 'export', path: argument };
    case 'clear':
      return { type: 'clear' };
    case '':
      return { type: 'error', message: `empty command; try ${COMMAND_LINE_HELP}` };
    default:
      return { type: 'error', message: `unknown command ":${word}"; try ${COMMAND_LINE_HELP}` };
  }
}
