#!/usr/bin/env node
// Part of `npm run build` (prebuild-rules.mjs runs it once the rules cache is written): a V8
// startup snapshot of the suggestion engine with the rules loaded and warmed up on the rules'
// own sample denials, so that a replay's suggestion process (src/scan/suggestion-process.ts)
// starts answering as soon as node is up instead of after loading the engine and the rules.
// Node 20's snapshot builder runs one script that may require built-in modules only, so the
// entry is the engine bundle's text wrapped, its __bundleUrl the bundle's real file URL (the
// rules loader finds the normaliser from it). Writes into dist/src/suggest/: the entry and the
// warm-up's denials it reads, the blob and its manifest (last) for this node and architecture
// (worker-files.ts names them).
//   node scripts/build-suggest-snapshot.mjs [--rules DIR --cache DIR|false --out DIR]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rulesCacheDir, rulesDir } from '../dist/src/paths.js';
import { loadRules } from '../dist/src/suggest/load.js';
import { REPLAY_V8_FLAGS } from '../dist/src/scan/batch-tuning.js';
import {
  SUGGEST_ENGINE_BUNDLE,
  SUGGEST_SNAPSHOT_ENTRY,
  SUGGEST_SNAPSHOT_WARM,
  suggestSnapshotBlob,
  suggestSnapshotManifest,
} from '../dist/src/suggest/worker-files.js';

const suggestDir = fileURLToPath(new URL('../dist/src/suggest/', import.meta.url));

/** The denials of every rule file's samples (match and no_match), parsed and named as a replay does. */
export async function sampleDenials(rules = rulesDir()) {
  const { parseLine } = await import('../dist/src/parse/index.js');
  const { Enricher } = await import('../dist/src/scan/enrich.js');
  const { parse: parseYaml } = await import('yaml');
  const namer = new Enricher();
  return sampleLines(rules, parseYaml)
    .map((line) => parseLine(line))
    .filter((parsed) => parsed.kind === 'denial')
    .map((parsed) => namer.enrich(parsed.denial, 'file'));
}

function sampleLines(rules, parseYaml) {
  const lines = [];
  for (const kind of ['interfaces', 'advice']) {
    const dir = join(rules, kind);
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
      const samples = parseYaml(readFileSync(join(dir, name), 'utf8'))?.samples ?? {};
      for (const list of [samples.match, samples.no_match]) {
        if (Array.isArray(list)) lines.push(...list.filter((line) => typeof line === 'string'));
      }
    }
  }
  return lines;
}

/**
 * Builds the snapshot of the engine bundle with the rules of `rules` (cached in `cache`) into
 * `out`; returns the manifest's path, or undefined when there is no bundle to snapshot.
 */
export async function buildSuggestSnapshot({
  rules = rulesDir(),
  cache = rulesCacheDir(),
  out = suggestDir,
} = {}) {
  const bundle = join(suggestDir, SUGGEST_ENGINE_BUNDLE);
  const manifestPath = join(out, suggestSnapshotManifest(process.version, process.arch));
  const blobName = suggestSnapshotBlob(process.version, process.arch);
  const blobPath = join(out, blobName);
  // Gone first: from here until the new manifest is written, no start takes a half-made snapshot.
  rmSync(manifestPath, { force: true });
  if (!existsSync(bundle)) return undefined;
  if (cache === false)
    throw new Error('build-suggest-snapshot: the snapshot is made from the rules cache (--cache DIR)');
  const bundleStat = statSync(bundle);
  const data = { rulesDir: resolve(rules), cacheDir: resolve(cache) };
  // The cache fresh first: the snapshot builder must not parse YAML (it may only require built-ins).
  loadRules(data.rulesDir, { strict: true, cacheDir: data.cacheDir });
  // The warm-up's denials are read from a file of their own: as a literal of the entry they
  // would stay in the snapshot with its source text (most of a megabyte for every start to load).
  const warmPath = join(out, SUGGEST_SNAPSHOT_WARM);
  writeFileSync(warmPath, JSON.stringify(await sampleDenials(data.rulesDir)));
  const entry = join(out, SUGGEST_SNAPSHOT_ENTRY);
  writeFileSync(
    entry,
    `'use strict';
const engine = { exports: {} };
(function (exports, require, module, __bundleUrl) {${readFileSync(bundle, 'utf8')}
})(engine.exports, require, engine, ${JSON.stringify(pathToFileURL(bundle).href)});
engine.exports.buildSuggestSnapshot(
  ${JSON.stringify(data)},
  JSON.parse(require('node:fs').readFileSync(${JSON.stringify(warmPath)}, 'utf8')),
);
`,
  );
  const partial = `${blobPath}.${process.pid}`;
  const built = spawnSync(
    process.execPath,
    [...REPLAY_V8_FLAGS, '--snapshot-blob', partial, '--build-snapshot', entry],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    },
  );
  if (built.status !== 0) {
    rmSync(partial, { force: true });
    throw new Error(
      `build-suggest-snapshot: cannot build ${blobPath} (status ${built.status}): ${built.stderr}`,
    );
  }
  renameSync(partial, blobPath);
  const started = await startsFromSnapshot(blobPath, data);
  if (started !== true)
    throw new Error(`build-suggest-snapshot: a process started from ${blobPath} fails: ${started}`);
  const manifest = {
    node: process.version,
    arch: process.arch,
    blob: blobName,
    blobBytes: statSync(blobPath).size,
    bundle,
    bundleBytes: bundleStat.size,
    bundleMtimeMs: bundleStat.mtimeMs,
    v8Flags: REPLAY_V8_FLAGS,
    ...data,
  };
  writeFileSync(`${manifestPath}.${process.pid}`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${manifestPath}.${process.pid}`, manifestPath);
  return manifestPath;
}

/** Whether a process started from the blob says it is ready (true), else what it printed. */
async function startsFromSnapshot(blobPath, data) {
  const { encodeFrame, FrameReader } = await import('../dist/src/scan/suggestion-process-frames.js');
  const child = spawnSync(
    process.execPath,
    [...REPLAY_V8_FLAGS, '--snapshot-blob', blobPath, JSON.stringify(data)],
    {
      input: encodeFrame({ ids: [], denials: [] }),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    },
  );
  const [ready] = new FrameReader().push(child.stdout ?? Buffer.alloc(0));
  return child.status === 0 && ready?.ready === true ? true : `status ${child.status}: ${child.stderr}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { rules: { type: 'string' }, cache: { type: 'string' }, out: { type: 'string' } },
  });
  await buildSuggestSnapshot({
    ...(values.rules !== undefined ? { rules: values.rules } : {}),
    ...(values.cache !== undefined ? { cache: values.cache === 'false' ? false : values.cache } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
  });
}
