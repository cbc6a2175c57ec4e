import { fileURLToPath } from 'node:url';
import * as commandTypes from '../commands/types.js';
import type { CommandMain } from '../commands/types.js';
import { loadCachedBundle } from './code-cache.js';

/**
 * `run`'s start as built by scripts/bundle.mjs: this module sits beside the CommonJS bundle of
 * commands/run.ts and its V8 code cache, and loads the bundle through that cache. The file names
 * and the types' id are scripts/bundle.mjs's.
 */
const RUN_BUNDLE = 'run-command.cjs';
const RUN_CODE_CACHE = 'run-command.cache';
/** The name under which the bundle requires commands/types.ts, shared with cli.ts. */
const COMMAND_TYPES_ID = 'snappy-debug:command-types';

const bundle = loadCachedBundle({
  bundlePath: fileURLToPath(new URL(`./${RUN_BUNDLE}`, import.meta.url)),
  cachePath: fileURLToPath(new URL(`./${RUN_CODE_CACHE}`, import.meta.url)),
  provided: { [COMMAND_TYPES_ID]: commandTypes },
});

export const main = bundle.exports['main'] as CommandMain;
