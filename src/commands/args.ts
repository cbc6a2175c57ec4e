import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './types.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs for a subcommand: bad usage becomes one `COMMAND: ...` line and exit 2. */
export function parseCommandArgs<T extends Options>(command: string, argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0]}`);
  }
}
