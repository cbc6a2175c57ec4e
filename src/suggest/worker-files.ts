/**
 * The suggestion thread's built files, all in dist/src/suggest/ (scripts/bundle.mjs makes the
 * first two, scripts/prebuild-rules.mjs the cache): the entry the thread starts, the engine it
 * loads (src/scan/suggest-worker.ts as CommonJS) and the engine's V8 code cache.
 */
export const SUGGEST_WORKER_ENTRY = 'suggest-worker.cjs';
export const SUGGEST_ENGINE_BUNDLE = 'suggest-engine.cjs';
export const SUGGEST_ENGINE_CACHE = 'suggest-engine.cache';
