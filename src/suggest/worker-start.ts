/**
 * The suggestion thread's entry as built by scripts/bundle.mjs (a small CommonJS file): loads
 * the thread's engine, bundled as CommonJS beside it, through the V8 code cache the build wrote
 * after running it on the rules' sample denials. The thread then deserialises its compiled
 * functions instead of compiling them while the first denials wait, and Node does not start
 * its ES module loader in the thread at all. Without the cache (or with a stale one) the
 * engine compiles as usual.
 */
import { fileURLToPath } from 'node:url';
import { loadCachedBundle } from '../launch/code-cache.js';
import { SUGGEST_ENGINE_BUNDLE, SUGGEST_ENGINE_CACHE } from './worker-files.js';

loadCachedBundle({
  bundlePath: fileURLToPath(new URL(`./${SUGGEST_ENGINE_BUNDLE}`, import.meta.url)),
  cachePath: fileURLToPath(new URL(`./${SUGGEST_ENGINE_CACHE}`, import.meta.url)),
});
