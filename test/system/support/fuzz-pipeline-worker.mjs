// One share of the fuzz-pipeline test, in a worker thread so that the shares use every core: the
// built modules (dist/, what scanlog runs) take the file through candidate scan, parse, filter,
// enrich and JSON lines, and then an independent parseLine tally of the same lines.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { dist, path } = workerData;
const load = (module) => import(`${dist}/${module}`);
const { formatJsonLine } = await load('output/json.js');
const { DENIAL_MARKERS, parseLine } = await load('parse/index.js');
const { rulesCacheDir, rulesDir } = await load('paths.js');
const { Enricher } = await load('scan/enrich.js');
const { denialsFromBatches } = await load('scan/pipeline.js');
const { newScanStats } = await load('scan/stats.js');
const { scanCandidates } = await load('sources/candidate-scan.js');
const { loadRules } = await load('suggest/index.js');

const stats = newScanStats();
const enricher = new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() }));
let jsonLines = 0;
let withSuggestions = 0;
const stream = denialsFromBatches(scanCandidates(path, DENIAL_MARKERS), {
  filter: { includeUnconfined: false },
  enricher,
  stats,
});
for await (const denial of stream) {
  const json = formatJsonLine(denial);
  if (!json.endsWith('\n') || json.indexOf('\n') !== json.length - 1) throw new Error('JSON spans lines');
  const record = JSON.parse(json);
  if (record.raw !== denial.raw) throw new Error('JSON raw differs from the line');
  if (record.suggestions.length > 0) withSuggestions++;
  jsonLines++;
}

// The lines as any reader of the file sees them: split on \n, a trailing \r dropped.
const lines = readFileSync(path, 'utf8').split('\n');
lines.pop();
const tally = { lines: lines.length, denials: 0, unparsed: 0 };
for (const raw of lines) {
  const kind = parseLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw, 'file').kind;
  if (kind === 'denial') tally.denials++;
  else if (kind === 'unparsed') tally.unparsed++;
}
parentPort.postMessage({
  stats: { lines: stats.lines, denials: stats.denials, unparsed: stats.unparsed, shown: stats.shown },
  jsonLines,
  withSuggestions,
  tally,
});
