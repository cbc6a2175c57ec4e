#!/usr/bin/env node
// Part of `npm run build`, after tsc: replaces dist/src/main.js by one bundled ES module, so a
// start loads a handful of files instead of some two hundred (the CLI's modules and execa's).
// Commands and the UI stay in chunks loaded on demand (`scanlog --json` never loads ink or react).
// tsc's per-module output stays next to it for scripts and benchmarks that import single modules.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { generateSyslog } from '../bench/gen-syslog.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The chunks live beside tsc's dist/src/suggest/normalise.js: the rules loader stamps its cache
// with the normaliser found next to its own module, so the bundle and tsc's modules share one
// cache entry instead of overwriting each other's.
const chunkDir = 'suggest';
const outdir = join(root, 'dist', 'src');

for (const name of readdirSync(join(outdir, chunkDir), { withFileTypes: true })) {
  if (name.isFile() && name.name.startsWith('chunk-')) rmSync(join(outdir, chunkDir, name.name));
}

const shared = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Loaded only by the UI or when the rules cache is stale; ink's devtools are optional.
  external: ['ink', 'react', 'react/*', 'react-devtools-core', 'yaml', 'ajv', 'ajv/*'],
  // CommonJS dependencies (cross-spawn under execa) require Node's built-in modules.
  banner: {
    js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

// The CommonJS bundles loaded through a V8 code cache (run, the replay, the suggestion engine):
// no ES module banner, and import.meta.url as the file URL their loader (launch/code-cache.ts) gives.
const sharedCjs = { ...shared, format: 'cjs', banner: {}, define: { 'import.meta.url': '__bundleUrl' } };

// `run` is one file of its own (a start then loads 1 module instead of some 17 chunks: about
// 15 ms less CPU); cli.ts's import of it is pointed there. It shares the main bundle's copy of
// commands/types.ts, so that cli.ts still recognises the UsageError it throws.
const runCommand = `${chunkDir}/run-command.js`;
const runCommandExternal = {
  name: 'run-command',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/run\.js$/, namespace: 'file' }, (args) =>
      args.importer.endsWith(join('src', 'cli.ts')) ? { path: `./${runCommand}`, external: true } : undefined,
    );
  },
};

// A bulk replay (scan/replay-run.ts) is a bundle of its own too, loaded through its code cache
// by scan/replay-entry.ts: scan/scanlog-run.ts's import of it is pointed there.
const replayEntry = {
  name: 'replay-entry',
  setup(b) {
    b.onResolve({ filter: /^\.\/replay-run\.js$/, namespace: 'file' }, (args) =>
      args.importer.endsWith(join('src', 'scan', 'scanlog-run.ts'))
        ? { path: join(root, 'src', 'scan', 'replay-entry.ts') }
        : undefined,
    );
  },
};

const { metafile } = await build({
  ...shared,
  plugins: [runCommandExternal, replayEntry],
  entryPoints: { main: 'src/main.ts' },
  outdir,
  chunkNames: `${chunkDir}/chunk-[hash]`,
  splitting: true,
  metafile: true,
});

const typesSource = 'src/commands/types.ts';
const typesChunk = Object.entries(metafile.outputs).find(
  ([file, output]) => basename(file).startsWith('chunk-') && typesSource in output.inputs,
)?.[0];
if (typesChunk === undefined) throw new Error(`bundle: no chunk holds ${typesSource}`);
const sharedTypes = {
  name: 'shared-types',
  setup(b) {
    b.onResolve({ filter: /\/types\.js$/, namespace: 'file' }, (args) =>
      resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === join(root, typesSource)
        ? { path: `./${basename(typesChunk)}`, external: true }
        : undefined,
    );
  },
};
await build({
  ...shared,
  plugins: [sharedTypes],
  entryPoints: { [runCommand.replace(/\.js$/, '')]: 'src/launch/run-entry.ts' },
  outdir,
});

// The run bundle proper is CommonJS so that run-entry.ts can compile it through vm.Script with
// V8's code cache (Node 20 has no cache for ES modules): a start then deserialises its compiled
// functions instead of compiling some 250 KB of code. It requires commands/types.ts by a name
// that run-entry.ts maps to the main bundle's copy, and sees its file URL as __bundleUrl.
const runBundle = join(outdir, chunkDir, 'run-command.cjs');
const runCache = join(outdir, chunkDir, 'run-command.cache');
const commandTypesId = 'snappy-debug:command-types';
const providedTypes = {
  name: 'provided-types',
  setup(b) {
    b.onResolve({ filter: /\/types\.js$/, namespace: 'file' }, (args) =>
      resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === join(root, typesSource)
        ? { path: commandTypesId, external: true }
        : undefined,
    );
  },
};
rmSync(runCache, { force: true });
await build({
  ...sharedCjs,
  plugins: [providedTypes],
  entryPoints: ['src/commands/run.ts'],
  outfile: runBundle,
});

// The cache is made by a fresh node (the flags and V8 version of a start) that loads the bundle
// as a start does; V8 rejects it, and the start compiles as before, under any other node.
const warm = spawnSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import { loadCachedBundle } from ${JSON.stringify(pathToFileURL(join(outdir, 'launch', 'code-cache.js')).href)};
     const types = await import(${JSON.stringify(pathToFileURL(join(outdir, chunkDir, basename(typesChunk))).href)});
     loadCachedBundle({ bundlePath: ${JSON.stringify(runBundle)}, cachePath: ${JSON.stringify(runCache)},
       provided: { ${JSON.stringify(commandTypesId)}: types } }).writeCache();`,
  ],
  { stdio: 'inherit' },
);
if (warm.status !== 0) throw new Error(`bundle: cannot write the code cache of ${runBundle}`);

// scanlog's bulk replay, CommonJS for the same reason as run's. Its cache is written after a
// warm-up: the node that writes it first replays a generated log (as JSON and as text) with the
// V8 flags a replay runs with, so that the cache holds every function a replay runs compiled.
const replayBundle = join(outdir, chunkDir, 'scanlog-replay.cjs');
const replayCache = join(outdir, chunkDir, 'scanlog-replay.cache');
rmSync(replayCache, { force: true });
await build({
  ...sharedCjs,
  entryPoints: ['src/scan/replay-bundle.ts'],
  outfile: replayBundle,
});
const warmUpDir = mkdtempSync(join(tmpdir(), 'snappy-debug-warm-up.'));
try {
  const warmUpLog = join(warmUpDir, 'syslog.log');
  await generateSyslog(warmUpLog, 100_000);
  const warmReplay = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { tuneForBatchReplay } from ${JSON.stringify(pathToFileURL(join(outdir, 'scan', 'batch-tuning.js')).href)};
       import { loadCachedBundle } from ${JSON.stringify(pathToFileURL(join(outdir, 'launch', 'code-cache.js')).href)};
       tuneForBatchReplay();
       const bundle = loadCachedBundle({ bundlePath: ${JSON.stringify(replayBundle)}, cachePath: ${JSON.stringify(replayCache)} });
       await bundle.exports.warmUp(${JSON.stringify(warmUpLog)});
       bundle.writeCache();`,
    ],
    { stdio: 'inherit' },
  );
  if (warmReplay.status !== 0) throw new Error(`bundle: cannot write the code cache of ${replayBundle}`);
} finally {
  rmSync(warmUpDir, { recursive: true, force: true });
}

// A batch replay's suggestion thread as the bin entry starts it before scanlog's chunks load
// (src/early-suggestion.ts requires it): CommonJS, so that it loads in one synchronous require.
/**
 * A CommonJS file required as it is (not through a code cache): import.meta.url becomes the
 * file's own URL, worked out in its first line under the name `urlName`.
 */
const buildRequiredCjs = (entry, outfile, urlName) =>
  build({
    ...shared,
    format: 'cjs',
    banner: { js: `const ${urlName} = require('node:url').pathToFileURL(__filename).href;` },
    define: { 'import.meta.url': urlName },
    entryPoints: [entry],
    outfile: join(outdir, chunkDir, outfile),
  });

await buildRequiredCjs('src/scan/replay-suggestion-thread.ts', 'replay-suggestion-thread.cjs', '__earlyUrl');

// The suggestion thread (scan/suggestion-thread.ts starts it for a saved file): a small CommonJS
// entry (suggest/worker-start.ts) that loads the engine, src/scan/suggest-worker.ts bundled as
// CommonJS, through the V8 code cache scripts/prebuild-rules.mjs writes after warming it up. A
// CommonJS entry spares the thread Node's ES module loader. Beside the chunks, for the same
// reason: its rules loader finds the normaliser there.
await build({
  ...sharedCjs,
  entryPoints: ['src/scan/suggest-worker.ts'],
  outfile: join(outdir, chunkDir, 'suggest-engine.cjs'),
});
await buildRequiredCjs('src/suggest/worker-start.ts', 'suggest-worker.cjs', '__startUrl');
rmSync(join(outdir, chunkDir, 'suggest-worker.js'), { force: true });
