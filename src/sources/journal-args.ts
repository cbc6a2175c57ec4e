/** The part of journalctl's arguments the native reader does itself. */
export interface NativeSelection {
  readonly directory?: string;
  readonly matches: readonly string[];
}

const MATCH = /^[A-Z0-9_]+=/;

/**
 * What `journalctl ...extraArgs` selects, when the native reader can select it too: a journal
 * directory (`--directory=DIR`, `--directory DIR`, `-D DIR`) and FIELD=VALUE matches. Undefined
 * for anything else (--since, +, unit names, ...): that stays journalctl's work.
 */
export function nativeSelectionOf(extraArgs: readonly string[]): NativeSelection | undefined {
  let directory: string | undefined;
  const matches: string[] = [];
  for (let i = 0; i < extraArgs.length; i++) {
    const arg = extraArgs[i]!;
    if (arg.startsWith('--directory=')) directory = arg.slice('--directory='.length);
    else if (arg === '--directory' || arg === '-D') {
      const value = extraArgs[++i];
      if (value === undefined) return undefined;
      directory = value;
    } else if (MATCH.test(arg)) matches.push(arg);
    else return undefined;
  }
  if (directory === '') return undefined;
  return directory === undefined ? { matches } : { directory, matches };
}
