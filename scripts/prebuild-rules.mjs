#!/usr/bin/env node
// Part of `npm run build`: validates every rule file once and caches the normalised rules in
// dist/rules-cache, so that scanlog starts in milliseconds instead of parsing 1 MB of YAML, and
// `run` parses only the interfaces a snap plugs.
import { loadInterfaceRules, loadRules } from '../dist/src/suggest/load.js';
import { rulesCacheDir, rulesDir } from '../dist/src/paths.js';

const rules = loadRules(rulesDir(), { strict: true, cacheDir: rulesCacheDir() });
// and the one-interface-per-line cache `run` reads only the interfaces it needs from
loadInterfaceRules([], rulesDir(), { cacheDir: rulesCacheDir() });
if (process.env.npm_lifecycle_event !== 'build' || process.argv.includes('--verbose')) {
  console.log(`rules: ${rules.interfaces.length} interfaces, ${rules.advice.length} advice rules`);
}
