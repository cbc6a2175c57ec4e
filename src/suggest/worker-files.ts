/**
 * The suggestion thread's built files, all in dist/src/suggest/ (scripts/bundle.mjs makes the
 * first two, scripts/prebuild-rules.mjs the cache): the entry the thread starts, the engine it
 * loads (src/scan/suggest-worker.ts as CommonJS) and the engine's V8 code cache.
 */
export const SUGGEST_WORKER_ENTRY = 'suggest-worker.cjs';
export const SUGGEST_ENGINE_BUNDLE = 'suggest-engine.cjs';
export const SUGGEST_ENGINE_CACHE = 'suggest-engine.cache';

/**
 * The suggestion process's files, made by scripts/build-suggest-snapshot.mjs beside those: the
 * one-file entry `node --build-snapshot` ran (the engine bundle wrapped) and the denials it
 * reads, and per Node version
 * and architecture (a blob only starts the node that made it) the V8 startup snapshot and its
 * manifest (SuggestSnapshotManifest), written last.
 */
export const SUGGEST_SNAPSHOT_ENTRY = 'suggest-snapshot-entry.cjs';
/** The denials the entry warms the engine up with (the rules' samples), as JSON. */
export const SUGGEST_SNAPSHOT_WARM = 'suggest-snapshot-warm.json';

export function suggestSnapshotBlob(version: string, arch: string): string {
  return `suggest-snapshot-${version}-${arch}.blob`;
}

export function suggestSnapshotManifest(version: string, arch: string): string {
  return `suggest-snapshot-${version}-${arch}.json`;
}

/** What a snapshot was made from; it is used only while all of it still holds. */
export interface SuggestSnapshotManifest {
  readonly node: string;
  readonly arch: string;
  /** The blob's file name, beside the manifest, and its size. */
  readonly blob: string;
  readonly blobBytes: number;
  /** The engine bundle the snapshot holds: its path (__bundleUrl's), size and mtime. */
  readonly bundle: string;
  readonly bundleBytes: number;
  readonly bundleMtimeMs: number;
  /** The V8 flags it was built with: a node started with others refuses the blob. */
  readonly v8Flags: readonly string[];
  /** The rules it holds (the stamp's files are checked again by the process itself). */
  readonly rulesDir: string;
  readonly cacheDir: string | false;
}
