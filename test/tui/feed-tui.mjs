#!/usr/bin/env node
// Runs the TUI on a recorded log through the real pipeline (file source, parser, enricher) built
// in dist/: the stand-in for `snappy-debug scanlog --file FILE` while its rules are not loadable.
// Usage: node test/tui/feed-tui.mjs FILE [--delay MS] [--snap NAME]
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

const dist = new URL('../../dist/', import.meta.url);
const { fileSource } = await import(new URL('src/sources/index.js', dist).href);
const { denials } = await import(new URL('src/scan/pipeline.js', dist).href);
const { Enricher } = await import(new URL('src/scan/enrich.js', dist).href);
const { newScanStats } = await import(new URL('src/scan/stats.js', dist).href);
const { runTui } = await import(new URL('src/ui/run-tui.js', dist).href);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { delay: { type: 'string', default: '0' }, snap: { type: 'string' } },
});
const [file] = positionals;
if (!file) {
  process.stderr.write('usage: feed-tui.mjs FILE [--delay MS] [--snap NAME]\n');
  process.exit(2);
}

async function loadRuleSet() {
  try {
    const { loadRules } = await import(new URL('src/suggest/load.js', dist).href);
    return loadRules(new URL('../../rules', import.meta.url).pathname);
  } catch {
    return undefined;
  }
}

const delay = Number(values.delay);
async function* paced(lines) {
  for await (const line of lines) {
    if (delay > 0) await sleep(delay);
    yield line;
  }
}

const stats = newScanStats();
const source = fileSource(file);
const stream = denials(paced(source.lines({ all: true, follow: false })), {
  filter: { includeUnconfined: true, ...(values.snap ? { snap: values.snap } : {}) },
  enricher: new Enricher(await loadRuleSet()),
  stats,
});
const status = await runTui({
  denials: stream,
  sourceDescription: source.description,
  ...(values.snap ? { snapFilter: values.snap } : {}),
  stats: () => ({ lines: stats.lines, unparsed: stats.unparsed, gaps: stats.gaps }),
});
// The paced reader may still be sleeping; the UI is gone, so stop now.
process.exit(status);
