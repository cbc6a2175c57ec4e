#!/usr/bin/env node
import { run } from './cli.js';

// `snappy-debug ... | head`: a closed pipe ends the program quietly, as for any Unix filter.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`snappy-debug: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
