#!/usr/bin/env node
// bench/load.mjs with the UI following the kernel ring buffer (--source kmsg) instead of journald:
// the same generator, rate and goals, without journald's change-notification delay. Writes
// bench/out/load-kmsg.json. Extra arguments go to load.mjs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const result = spawnSync(
  process.execPath,
  [
    join(BENCH, 'load.mjs'),
    '--source=kmsg',
    `--out=${join(BENCH, 'out/load-kmsg.json')}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
