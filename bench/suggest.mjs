// Suggestion-engine micro-benchmark, reported as ratios:
//  - loadRules() cold, against the 200 ms budget for ~200 interface files (goal <= 1);
//  - loadRules() warm (cache hit), against the cold load;
//  - suggest() per denial on the 150-line labelled corpus, against parseLine() on the same lines
//    (suggest runs once per new denial group, so within ~20x of parsing is plenty);
//  - suggest() per distinct denial of the scanlog bench logs (realistic, and 2,000 of the
//    all-distinct worst case), CPU time; with BENCH_BASE=<another built checkout> that build's
//    engine is timed in the same rounds, interleaved, and the ratio reported (medians);
//  - suggest() cold: the realistic log's distinct denials in fresh processes (first and second
//    pass, per-denial median and p90), interleaved with BENCH_BASE's engine when given;
//  - the suggestion thread cold, as scanlog starts it for a saved file: a fresh node tuned for a
//    replay starts it and asks at once for the realistic log's distinct denials, 25 a message;
//    time from the thread's creation to its first and last answer, and the process's CPU time
//    meanwhile (the thread's, as the main thread only waits), interleaved with BENCH_BASE's;
//  - the suggestion process alone (the replay's engine when the build made its V8 snapshot): the
//    same requests at once; first and last answer, and the process's own CPU time.
// Needs `npm run build` first (or BENCH_DIST=<tsc outDir>). Writes bench/out/suggest.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.BENCH_DIST ?? join(root, 'dist');
const engine = join(dist, 'src/suggest/index.js');
if (!existsSync(engine)) throw new Error(`cannot find ${engine}: run npm run build first`);
const { loadRules, suggest } = await import(engine);
const { parseLine } = await import(join(dist, 'src/parse/index.js'));

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

let start = process.hrtime.bigint();
const rules = loadRules(join(root, 'rules'));
const coldMs = ms(start);
start = process.hrtime.bigint();
loadRules(join(root, 'rules'));
const warmMs = ms(start);

const corpus = parseYaml(readFileSync(join(root, 'test/fixtures/corpus/denials.yaml'), 'utf8'));
const denials = corpus
  .map((e) => parseLine(e.line))
  .filter((p) => p.kind === 'denial')
  .map((p) => p.denial);
const rounds = Number(process.env.BENCH_ROUNDS ?? 20);

start = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) for (const e of corpus) parseLine(e.line);
const parseUs = (ms(start) * 1000) / (rounds * corpus.length);

start = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) for (const d of denials) suggest(d, rules);
const suggestUs = (ms(start) * 1000) / (rounds * denials.length);

const { ensureSyslog } = await import(join(root, 'bench/gen-syslog.mjs'));
const { accessKey, Enricher } = await import(join(dist, 'src/scan/enrich.js'));

/** Distinct denials (as the scanner hands them to the engine) among a log's lines. */
async function distinctDenials(file, options, limit) {
  await ensureSyslog(file, options);
  const namer = new Enricher();
  const byKey = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('apparmor=') && !line.includes('type=1326')) continue;
    const parsed = parseLine(line);
    if (parsed.kind !== 'denial') continue;
    const denial = namer.enrich(parsed.denial);
    const key = accessKey(denial);
    if (!byKey.has(key)) byKey.set(key, denial);
    if (byKey.size >= limit) break;
  }
  return [...byKey.values()];
}

const logs = {
  realistic: await distinctDenials(join(root, 'bench/out/syslog-1m.log'), {}, Infinity),
  worst: await distinctDenials(join(root, 'bench/out/syslog-1m-distinct.log'), { distinct: true }, 2000),
};
const baseDir = process.env.BENCH_BASE;
const engines = [{ name: 'this', suggest, rules }];
if (baseDir) {
  const other = await import(join(baseDir, 'dist/src/suggest/index.js'));
  engines.push({ name: 'base', suggest: other.suggest, rules: other.loadRules(join(root, 'rules')) });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const perCall = {};
for (const engine of engines) for (const d of logs.realistic) engine.suggest(d, engine.rules); // warm
const distinctRounds = Number(process.env.BENCH_DISTINCT_ROUNDS ?? 5);
for (let r = 0; r < distinctRounds; r++) {
  for (const engine of engines) {
    for (const [name, denials] of Object.entries(logs)) {
      const start = cpuMicros();
      for (const d of denials) engine.suggest(d, engine.rules);
      ((perCall[engine.name] ??= {})[name] ??= []).push((cpuMicros() - start) / denials.length);
    }
  }
}
const distinctFigures = {};
for (const name of Object.keys(logs)) {
  const own = median(perCall.this[name]);
  distinctFigures[name] = {
    denials: logs[name].length,
    suggestCpuMicros: Number(own.toFixed(1)),
    ...(perCall.base
      ? {
          baseCpuMicros: Number(median(perCall.base[name]).toFixed(1)),
          speedupVsBase: Number((median(perCall.base[name]) / own).toFixed(1)),
        }
      : {}),
  };
}

// Cold: each engine in fresh processes (nothing compiled, cached or optimised yet), one pass over
// the realistic log's distinct denials as scanlog's suggestion thread makes it, then a second
// (warm) pass; engines interleaved, medians over BENCH_COLD_RUNS processes each.
const COLD_CHILD = `
import { readFileSync } from 'node:fs';
const [dist, rulesDir, denialsFile] = process.argv.slice(1);
const denials = JSON.parse(readFileSync(denialsFile, 'utf8'));
const { loadRules, suggest } = await import(dist + '/src/suggest/index.js');
const rules = loadRules(rulesDir, { cacheDir: dist + '/rules-cache' });
const times = [];
const cpu = process.cpuUsage();
const start = performance.now();
for (const d of denials) { const t = performance.now(); suggest(d, rules); times.push(performance.now() - t); }
const coldMs = performance.now() - start;
const { user, system } = process.cpuUsage(cpu);
const warmStart = performance.now();
for (const d of denials) suggest(d, rules);
const warmMs = performance.now() - warmStart;
times.sort((a, b) => a - b);
console.log(JSON.stringify({ coldMs, coldCpuMs: (user + system) / 1000, medianMicros: times[times.length >> 1] * 1000,
  p90Micros: times[Math.floor(times.length * 0.9)] * 1000, warmMs }));
`;
const denialsFile = join(root, 'bench/out/suggest-distinct.json');
mkdirSync(join(root, 'bench/out'), { recursive: true });
writeFileSync(denialsFile, JSON.stringify(logs.realistic));
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 7);
const coldEngines = [
  { name: 'this', dist },
  ...(baseDir ? [{ name: 'base', dist: join(baseDir, 'dist') }] : []),
];
const coldSamples = {};
for (let r = 0; r < coldRuns; r++) {
  for (const engine of coldEngines) {
    const rulesDir = join(engine.dist, '..', 'rules');
    const child = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', COLD_CHILD, engine.dist, rulesDir, denialsFile],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(`cold suggest run failed: ${child.stderr}`);
    const sample = JSON.parse(child.stdout);
    for (const [key, value] of Object.entries(sample))
      ((coldSamples[engine.name] ??= {})[key] ??= []).push(value);
  }
}
const coldFigures = (name) =>
  Object.fromEntries(
    Object.entries(coldSamples[name]).map(([key, values]) => [key, Number(median(values).toFixed(1))]),
  );
const cold = { denials: logs.realistic.length, runs: coldRuns, ...coldFigures('this') };
if (coldSamples.base) {
  cold.base = coldFigures('base');
  cold.coldSpeedupVsBase = Number((cold.base.coldMs / cold.coldMs).toFixed(2));
  cold.coldCpuSpeedupVsBase = Number((cold.base.coldCpuMs / cold.coldCpuMs).toFixed(2));
}

// The suggestion thread cold: each build's own startSuggestionThread (its entry, its requests).
const THREAD_CHILD = `
import { readFileSync } from 'node:fs';
const [dist, rulesDir, denialsFile] = process.argv.slice(2);
const { tuneForBatchReplay } = await import(dist + '/src/scan/batch-tuning.js');
tuneForBatchReplay();
const { startSuggestionThread } = await import(dist + '/src/scan/suggestion-thread.js');
const denials = JSON.parse(readFileSync(denialsFile, 'utf8'));
const cpu = process.cpuUsage();
const created = performance.now();
const thread = startSuggestionThread({ rulesDir, cacheDir: dist + '/rules-cache' }, 1 << 30);
const slots = denials.map(() => ({}));
denials.forEach((denial, i) => { thread.request(denial, slots[i]); if (i % 25 === 24) thread.send(); });
thread.send();
await thread.until(slots[0]);
const first = performance.now();
for (const slot of slots) await thread.until(slot);
const all = performance.now();
const { user, system } = process.cpuUsage(cpu);
await thread.close();
console.log(JSON.stringify({ firstAnswerMs: first - created, allAnsweredMs: all - created, cpuMs: (user + system) / 1000 }));
`;
// A file, not --input-type=module -e: the thread would inherit that flag and refuse its entry.
const threadChild = join(root, 'bench/out/suggest-thread-child.mjs');
writeFileSync(threadChild, THREAD_CHILD);
const threadSamples = {};
for (let r = 0; r < coldRuns; r++) {
  for (const engine of coldEngines) {
    const child = spawnSync(
      process.execPath,
      [threadChild, engine.dist, join(engine.dist, '..', 'rules'), denialsFile],
      { encoding: 'utf8', env: { ...process.env, SNAPPY_DEBUG_SUGGEST_THREAD: '1' } },
    );
    if (child.status !== 0) throw new Error(`suggestion thread run failed: ${child.stderr}`);
    for (const [key, value] of Object.entries(JSON.parse(child.stdout)))
      ((threadSamples[engine.name] ??= {})[key] ??= []).push(value);
  }
}
const threadFigures = (name) =>
  Object.fromEntries(
    Object.entries(threadSamples[name]).map(([key, values]) => [key, Number(median(values).toFixed(1))]),
  );
const thread = { denials: logs.realistic.length, runs: coldRuns, ...threadFigures('this') };
if (threadSamples.base) {
  thread.base = threadFigures('base');
  thread.allAnsweredSpeedupVsBase = Number((thread.base.allAnsweredMs / thread.allAnsweredMs).toFixed(2));
  thread.cpuSpeedupVsBase = Number((thread.base.cpuMs / thread.cpuMs).toFixed(2));
}

// The suggestion process alone, as a replay starts it from the build's V8 snapshot: the realistic
// log's distinct denials sent at once, 25 a message; time from its start to its first and last
// answer, and its CPU time (every thread's, from /proc/PID/task/*/schedstat) once all are in.
// Each build's own process and snapshot, interleaved with BENCH_BASE's.
const PROCESS_CHILD = `
import { readdirSync, readFileSync } from 'node:fs';
const [dist, rulesDir, denialsFile] = process.argv.slice(2);
const { currentSuggestSnapshot, SuggestionProcess } = await import(dist + '/src/scan/suggestion-process.js');
const { suggestionInput } = await import(dist + '/src/suggest/input.js');
const snapshot = currentSuggestSnapshot(dist + '/src/suggest');
if (!snapshot) throw new Error('no current suggestion snapshot in ' + dist);
const denials = JSON.parse(readFileSync(denialsFile, 'utf8')).map(suggestionInput);
let answered = 0, first, last, done;
const all = new Promise((resolve) => (done = resolve));
const started = performance.now();
const child = new SuggestionProcess(snapshot, { rulesDir, cacheDir: dist + '/rules-cache' }, {
  answered({ ids }) { last = performance.now() - started; first ??= last; answered += ids.length; if (answered === denials.length) done(); },
  stopped(error) { throw error; },
});
for (let i = 0; i < denials.length; i += 25) {
  const group = denials.slice(i, i + 25);
  child.post({ ids: group.map((_, j) => i + j), denials: group });
}
await all;
let cpuNs = 0;
for (const task of readdirSync('/proc/' + child.pid + '/task'))
  cpuNs += Number(readFileSync('/proc/' + child.pid + '/task/' + task + '/schedstat', 'utf8').split(' ')[0]);
await child.close();
console.log(JSON.stringify({ firstAnswerMs: first, allAnsweredMs: last, childCpuMs: cpuNs / 1e6 }));
`;
const processChild = join(root, 'bench/out/suggest-process-child.mjs');
writeFileSync(processChild, PROCESS_CHILD);
const processSamples = {};
const processRuns = Number(process.env.BENCH_PROCESS_RUNS ?? 15);
for (let r = 0; r < processRuns; r++) {
  for (const engine of coldEngines) {
    const child = spawnSync(
      process.execPath,
      [processChild, engine.dist, join(engine.dist, '..', 'rules'), denialsFile],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(`suggestion process run failed: ${child.stderr}`);
    for (const [key, value] of Object.entries(JSON.parse(child.stdout)))
      ((processSamples[engine.name] ??= {})[key] ??= []).push(value);
  }
}
const processFigures = (name) =>
  Object.fromEntries(
    Object.entries(processSamples[name]).map(([key, values]) => [key, Number(median(values).toFixed(1))]),
  );
const suggestionProcess = { denials: logs.realistic.length, runs: processRuns, ...processFigures('this') };
if (processSamples.base) {
  suggestionProcess.base = processFigures('base');
  suggestionProcess.childCpuSpeedupVsBase = Number(
    (suggestionProcess.base.childCpuMs / suggestionProcess.childCpuMs).toFixed(2),
  );
  suggestionProcess.allAnsweredSpeedupVsBase = Number(
    (suggestionProcess.base.allAnsweredMs / suggestionProcess.allAnsweredMs).toFixed(2),
  );
}

const result = {
  interfaces: rules.interfaces.length,
  advice: rules.advice.length,
  loadRulesColdMs: Number(coldMs.toFixed(1)),
  loadRulesColdVsBudget: Number((coldMs / 200).toFixed(2)),
  loadRulesWarmVsCold: Number((warmMs / coldMs).toFixed(4)),
  suggestMicros: Number(suggestUs.toFixed(1)),
  parseMicros: Number(parseUs.toFixed(1)),
  suggestVsParse: Number((suggestUs / parseUs).toFixed(1)),
  distinct: distinctFigures,
  cold,
  thread,
  process: suggestionProcess,
};
mkdirSync(join(root, 'bench/out'), { recursive: true });
writeFileSync(join(root, 'bench/out/suggest.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
