#!/usr/bin/env node
import { run } from './cli.js';

run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`snappy-debug: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
