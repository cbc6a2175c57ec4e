import type { Readable, Writable } from 'node:stream';

/** The streams a command talks to; tests pass their own. */
export interface CommandIO {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  readonly stderr: Writable;
}

/** A subcommand: takes the arguments after its name, returns the exit status. */
export type CommandMain = (argv: readonly string[], io: CommandIO) => Promise<number>;

/** Thrown for bad usage or bad input; cli.ts prints `snappy-debug: MESSAGE` and exits with `status`. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly status = 2,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
