import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

/**
 * A CommonJS bundle compiled with V8's code cache, so that a start deserialises the bundle's
 * compiled functions instead of parsing and compiling them again. V8 checks the cache against
 * its own version and flags and the source's length only, so the cache file starts with the
 * bundle it was made from (its length, then its bytes): any other bundle compiles normally.
 * Comparing the bytes costs less than hashing them (node:crypto alone loads some 18 modules).
 */
export interface CachedBundle {
  readonly exports: Record<string, unknown>;
  /** Whether V8 took the cache (false when there was none or it was rejected). */
  readonly cacheUsed: boolean;
  /** Writes the code compiled so far (functions run since loading included) to the cache file. */
  writeCache(): void;
}

/** Where to find the bundle and what its `require` hands out instead of a file. */
export interface BundleFiles {
  readonly bundlePath: string;
  readonly cachePath: string;
  /** Modules the bundle requires by these names, shared with the caller (one class identity). */
  readonly provided?: Readonly<Record<string, unknown>>;
}

// The bundle sees what a CommonJS module sees, plus its own file URL in place of import.meta.url.
const WRAPPER_HEAD = '(function (exports, require, module, __bundleUrl) {';
const WRAPPER_TAIL = '\n})';

const LENGTH_BYTES = 4;

/** The V8 data of the cache at `path` if it was made from `bundle`, else undefined. */
function readCache(path: string, bundle: Buffer): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(path);
  } catch {
    return undefined;
  }
  const dataStart = LENGTH_BYTES + bundle.length;
  if (cache.length <= dataStart || cache.readUInt32LE(0) !== bundle.length) return undefined;
  if (!cache.subarray(LENGTH_BYTES, dataStart).equals(bundle)) return undefined;
  return cache.subarray(dataStart);
}

/** Loads and runs the bundle at `files.bundlePath`, using `files.cachePath` when V8 accepts it. */
export function loadCachedBundle(files: BundleFiles): CachedBundle {
  const bundle = readFileSync(files.bundlePath);
  const cachedData = readCache(files.cachePath, bundle);
  const script = new Script(`${WRAPPER_HEAD}${bundle.toString('utf8')}${WRAPPER_TAIL}`, {
    filename: files.bundlePath,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const cacheUsed = cachedData !== undefined && script.cachedDataRejected !== true;
  const url = pathToFileURL(files.bundlePath).href;
  const fileRequire = createRequire(url);
  const provided = files.provided ?? {};
  const bundleRequire = (id: string): unknown => (id in provided ? provided[id] : fileRequire(id));
  const module = { exports: {} as Record<string, unknown> };
  const body = script.runInThisContext() as (...args: unknown[]) => void;
  body(module.exports, bundleRequire, module, url);
  return {
    exports: module.exports,
    cacheUsed,
    writeCache() {
      const partial = `${files.cachePath}.${process.pid}`;
      const length = Buffer.alloc(LENGTH_BYTES);
      length.writeUInt32LE(bundle.length);
      writeFileSync(partial, Buffer.concat([length, bundle, script.createCachedData()]));
      try {
        renameSync(partial, files.cachePath);
      } catch (error) {
        rmSync(partial, { force: true });
        throw error;
      }
    },
  };
}
