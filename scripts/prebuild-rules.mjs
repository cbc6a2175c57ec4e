#!/usr/bin/env node
// Part of `npm run build`: validates every rule file once and caches the normalised rules in
// dist/rules-cache, so that scanlog starts in milliseconds instead of parsing 1 MB of YAML, and
// `run` parses only the interfaces a snap plugs. Then writes the suggestion thread's V8 code
// cache (see src/suggest/worker-start.ts), warmed up on the rules' own sample denials, and the
// V8 startup snapshot of the suggestion process (scripts/build-suggest-snapshot.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInterfaceRules, loadRules } from '../dist/src/suggest/load.js';
import { rulesCacheDir, rulesDir } from '../dist/src/paths.js';
import { SUGGEST_ENGINE_BUNDLE, SUGGEST_ENGINE_CACHE } from '../dist/src/suggest/worker-files.js';
import { buildSuggestSnapshot, sampleDenials } from './build-suggest-snapshot.mjs';

const WARM = '--warm-suggest-engine';
const suggestDir = fileURLToPath(new URL('../dist/src/suggest/', import.meta.url));
const engine = {
  bundlePath: join(suggestDir, SUGGEST_ENGINE_BUNDLE),
  cachePath: join(suggestDir, SUGGEST_ENGINE_CACHE),
};

if (process.argv.includes(WARM)) await warmSuggestEngine();
else {
  buildCaches();
  await buildSuggestSnapshot();
}

function buildCaches() {
  const rules = loadRules(rulesDir(), { strict: true, cacheDir: rulesCacheDir() });
  // and the one-interface-per-line cache `run` reads only the interfaces it needs from
  loadInterfaceRules([], rulesDir(), { cacheDir: rulesCacheDir() });
  if (process.env.npm_lifecycle_event !== 'build' || process.argv.includes('--verbose')) {
    console.log(`rules: ${rules.interfaces.length} interfaces, ${rules.advice.length} advice rules`);
  }
  rmSync(engine.cachePath, { force: true });
  if (!existsSync(engine.bundlePath)) return;
  // A fresh node, so that the cache holds what a thread compiles and the process's flags are a thread's.
  const warm = spawnSync(process.execPath, [fileURLToPath(import.meta.url), WARM], { stdio: 'inherit' });
  if (warm.status !== 0) throw new Error(`prebuild-rules: cannot write ${engine.cachePath}`);
}

/**
 * Loads the engine bundle as the thread does (with the V8 flags a replay sets), answers every
 * sample denial of every rule file with it, and writes the code compiled meanwhile.
 */
async function warmSuggestEngine() {
  const { tuneForBatchReplay } = await import('../dist/src/scan/batch-tuning.js');
  const { loadCachedBundle } = await import('../dist/src/launch/code-cache.js');
  tuneForBatchReplay();
  const bundle = loadCachedBundle(engine);
  const { answer, threadSuggester } = bundle.exports;
  const suggester = threadSuggester({ rulesDir: rulesDir(), cacheDir: rulesCacheDir() });
  const denials = await sampleDenials();
  answer({ ids: denials.map((_, i) => i), denials }, suggester, () => {});
  bundle.writeCache();
}
