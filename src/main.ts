#!/usr/bin/env node
import { run } from './cli.js';
import { closeUntakenSuggestionThread, startSuggestionThreadEarly } from './early-suggestion.js';
import { promptExitRequested } from './prompt-exit.js';

// `snappy-debug ... | head`: a closed pipe ends the program quietly, as for any Unix filter.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// stdin is opened only when a command reads it (`run` hands the app its own): making the stream
// costs a start about a millisecond.
const io = {
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
};

/** Resolves once everything written to `stream` has left the process (a slow pipe's reader holds it back). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  // Writes are done in order: the callback of an empty one runs once all before it are done.
  return new Promise((resolve) => stream.write('', () => resolve()));
}

const argv = process.argv.slice(2);
startSuggestionThreadEarly(argv);
run(argv, io).then(
  async (status) => {
    process.exitCode = status;
    await closeUntakenSuggestionThread();
    if (!promptExitRequested()) return;
    await flushed(process.stdout);
    await flushed(process.stderr);
    process.exit(status);
  },
  (error: unknown) => {
    process.stderr.write(`snappy-debug: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    void closeUntakenSuggestionThread();
  },
);
