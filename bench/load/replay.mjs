#!/usr/bin/env node
// The UI's per-denial work without the terminal: recorded journal entries (what journalctl gives
// the journald source, the same --output-fields) fed line by line through the functions the live
// path calls, in three cumulative stages: parse (parseLine), enrich (+ Enricher), store (+ the UI's
// GroupStore.add). CPU microseconds per entry, each stage and build in its own node process,
// builds interleaved, min and median over rounds (min is the figure least disturbed by other
// programs on a shared machine).
//   node bench/load/replay.mjs                       this checkout's dist/
//   BENCH_BASE=<build root> node bench/load/replay.mjs   adds a baseline (e.g. a worktree of the
//                                                    starting commit, after its `npm run build`)
// Entries: REPLAY_FILE (JSON lines), else the newest REPLAY_ENTRIES (20,000) kernel and audit
// entries of the system journal (the load bench leaves its seccomp records there).
// Writes bench/out/load-replay.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const STAGES = ['parse', 'enrich', 'store'];
const FIELDS =
  'MESSAGE,_TRANSPORT,_AUDIT_TYPE,_AUDIT_ID,_SOURCE_REALTIME_TIMESTAMP,_PID,_HOSTNAME,SYSLOG_IDENTIFIER';

async function child(build, stage, file, rounds) {
  const dist = join(build, 'dist');
  const { denialOf } = await import(join(dist, 'src/scan/pipeline.js'));
  const { Enricher } = await import(join(dist, 'src/scan/enrich.js'));
  const { loadRules } = await import(join(dist, 'src/suggest/index.js'));
  const { rulesDir, rulesCacheDir } = await import(join(dist, 'src/paths.js'));
  const { parseLine } = await import(join(dist, 'src/parse/index.js'));
  const { GroupStore } = await import(join(dist, 'src/ui/group-store.js'));
  const bytes = readFileSync(file);
  // Fresh strings each round, decoded from bytes as the source's line splitter does.
  const lines = () => {
    const out = [];
    let start = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, start)) {
      out.push(bytes.toString('utf8', start, nl));
      start = nl + 1;
    }
    return out;
  };
  const stats = { lines: 0, denials: 0, shown: 0, unparsed: 0, gaps: 0, lost: 0 };
  const pipeline = {
    filter: {},
    enricher: new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() })),
    stats,
  };
  const perEntry = [];
  let groups = 0;
  for (let round = 0; round <= rounds; round++) {
    const batch = lines();
    const store = new GroupStore();
    const before = process.cpuUsage();
    for (const line of batch) {
      if (stage === 'parse') {
        parseLine(line, 'journald');
        continue;
      }
      const denial = denialOf(line, 'journald', pipeline);
      if (stage === 'store' && denial) store.add(denial, Date.now());
    }
    const used = process.cpuUsage(before);
    // Round 0 warms the code up.
    if (round > 0) perEntry.push((used.user + used.system) / batch.length);
    groups = store.size;
  }
  return { perEntry, entries: lines().length, groups };
}

function journalFile(entries) {
  const out = join(ROOT, 'bench/out/load-replay-entries.jsonl');
  const result = spawnSync(
    'journalctl',
    [
      '--output=json',
      `--output-fields=${FIELDS}`,
      `--lines=${entries}`,
      '--no-pager',
      '_TRANSPORT=kernel',
      '_TRANSPORT=audit',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  if (result.status !== 0) throw new Error(`journalctl failed: ${result.stderr}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, result.stdout);
  return out;
}

if (process.argv[2] === '--child') {
  const [build, stage, file, rounds] = process.argv.slice(3);
  process.stdout.write(JSON.stringify(await child(build, stage, file, Number(rounds))));
  process.exit(0);
}

const rounds = Number(process.env.BENCH_RUNS ?? 8);
const file = process.env.REPLAY_FILE ?? journalFile(Number(process.env.REPLAY_ENTRIES ?? 20000));
const builds = [
  ...(process.env.BENCH_BASE ? [{ label: 'base', root: resolve(process.env.BENCH_BASE) }] : []),
  { label: 'this', root: resolve(process.env.BENCH_DIST_ROOT ?? ROOT) },
];
for (const { root } of builds) {
  if (!existsSync(join(root, 'dist/src/parse/index.js')))
    throw new Error(`cannot find a build in ${root}/dist`);
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const samples = new Map();
// Two processes per stage and build, interleaved.
for (let pass = 0; pass < 2; pass++) {
  for (const stage of STAGES) {
    for (const { label, root } of builds) {
      const run = spawnSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', root, stage, file, String(rounds)],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      if (run.status !== 0) throw new Error(`${label} ${stage} failed (${run.status}): ${run.stderr}`);
      const result = JSON.parse(run.stdout);
      const key = `${label}/${stage}`;
      const previous = samples.get(key) ?? { perEntry: [], entries: result.entries, groups: result.groups };
      previous.perEntry.push(...result.perEntry);
      samples.set(key, previous);
    }
  }
}
const report = [...samples].map(([key, { perEntry, entries, groups }]) => ({
  build: key,
  entries,
  groups,
  cpuMicrosPerEntryMin: Number(Math.min(...perEntry).toFixed(2)),
  cpuMicrosPerEntryMedian: Number(median(perEntry).toFixed(2)),
}));
console.table(report);
const ratios = {};
for (const stage of STAGES) {
  const base = report.find((r) => r.build === `base/${stage}`);
  const mine = report.find((r) => r.build === `this/${stage}`);
  if (base && mine) {
    ratios[stage] = {
      min: Number((mine.cpuMicrosPerEntryMin / base.cpuMicrosPerEntryMin).toFixed(3)),
      median: Number((mine.cpuMicrosPerEntryMedian / base.cpuMicrosPerEntryMedian).toFixed(3)),
    };
    console.log(
      `${stage}: this/base CPU per entry, min ${ratios[stage].min}, median ${ratios[stage].median}`,
    );
  }
}
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(
  join(ROOT, 'bench/out/load-replay.json'),
  `${JSON.stringify({ date: new Date().toISOString(), file, rounds, report, ratios }, null, 2)}\n`,
);
