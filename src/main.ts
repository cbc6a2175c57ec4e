#!/usr/bin/env node
import { run } from './cli.js';

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

run(process.argv.slice(2), io).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`snappy-debug: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
