// Live-ingest cost: CPU microseconds the snappy-debug process spends per denial on the path
// journald source ──▶ parse ──▶ filter ──▶ enrich ──▶ UI group store (what `scanlog SNAP`
// does for every record at 10,000/s). Input: the newest INGEST_ENTRIES entries of the real
// system journal from the kernel and audit transports (earlier load runs left seccomp
// records there), read by the real journalctl. journalctl's own CPU is a separate process
// and not counted. Each measurement runs in a fresh node process; builds are measured in
// interleaved rounds and the median is reported.
//   node bench/ingest.mjs                          this checkout's dist/
//   BENCH_BASE=<dir with src/> node bench/ingest.mjs   adds a baseline build (A/B ratio)
// A build directory is a tsc outDir (e.g. `npx tsc -p tsconfig.json --outDir bench/out/ingest-A`).
// Writes bench/out/ingest.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const MATCHES = ['_TRANSPORT=kernel', '_TRANSPORT=audit'];

/**
 * The newest `entries` kernel and audit entries as a fixed time window (journalctl has no
 * --until-cursor), so that every round reads the same entries while other programs log more.
 */
function windowArgs(entries) {
  const window = process.env.INGEST_WINDOW;
  if (window) return [...window.split(' '), ...MATCHES];
  const stamps = spawnSync(
    'journalctl',
    ['--output=json', '--output-fields=__REALTIME_TIMESTAMP', `--lines=${entries}`, '--no-pager', ...MATCHES],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  )
    .stdout.trim()
    .split('\n')
    .map((line) => BigInt(JSON.parse(line).__REALTIME_TIMESTAMP));
  const at = (micros) => `@${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
  return [`--since=${at(stamps[0])}`, `--until=${at(stamps[stamps.length - 1])}`, ...MATCHES];
}

async function measure(dist, entries, stage) {
  const { journaldSource } = await import(join(dist, 'src/sources/journald-source.js'));
  const { denials } = await import(join(dist, 'src/scan/pipeline.js'));
  const { Enricher } = await import(join(dist, 'src/scan/enrich.js'));
  const { loadRules } = await import(join(dist, 'src/suggest/index.js'));
  const { rulesDir, rulesCacheDir } = await import(join(dist, 'src/paths.js'));
  const { GroupStore } = await import(join(dist, 'src/ui/group-store.js'));
  const stats = { lines: 0, denials: 0, shown: 0, unparsed: 0, gaps: 0, lost: 0 };
  const pipeline = {
    filter: {},
    enricher: new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() })),
    stats,
  };
  const store = new GroupStore();
  const source = journaldSource({ extraArgs: windowArgs(entries) });
  const lines = source.lines({ all: true, follow: false });
  let delivered = 0;
  let bytes = 0;
  const before = process.cpuUsage();
  if (stage === 'source') {
    for await (const { line } of lines) {
      delivered++;
      bytes += line.length;
    }
  } else {
    const counted = (async function* () {
      for await (const line of lines) {
        delivered++;
        bytes += line.line.length;
        yield line;
      }
    })();
    for await (const denial of denials(counted, pipeline)) store.add(denial, Date.now());
  }
  const used = process.cpuUsage(before);
  return {
    cpuMicros: used.user + used.system,
    delivered,
    bytes,
    shown: stats.shown,
    groups: [...store.groups()].length,
  };
}

if (process.argv[2] === '--child') {
  const [dist, entries, stage] = process.argv.slice(3);
  const result = await measure(dist, Number(entries), stage);
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

const entries = Number(process.env.INGEST_ENTRIES ?? 20000);
const rounds = Number(process.env.BENCH_RUNS ?? 5);
const builds = [
  ...(process.env.BENCH_BASE ? [{ label: 'base', dist: resolve(process.env.BENCH_BASE) }] : []),
  { label: 'this', dist: resolve(process.env.BENCH_DIST ?? join(root, 'dist')) },
];
for (const { dist } of builds) {
  if (!existsSync(join(dist, 'src/sources/journald-source.js')))
    throw new Error(`cannot find a build in ${dist}`);
}
const stages = ['source', 'full'];
process.env.INGEST_WINDOW ??= windowArgs(entries).slice(0, 2).join(' ');
console.log(`window: ${process.env.INGEST_WINDOW}`);
const samples = new Map();
for (let round = 0; round < rounds; round++) {
  for (const stage of stages) {
    for (const { label, dist } of builds) {
      const child = spawnSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', dist, String(entries), stage],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        },
      );
      if (child.status !== 0) throw new Error(`${label} ${stage} failed (${child.status}): ${child.stderr}`);
      const result = JSON.parse(child.stdout);
      const key = `${label}/${stage}`;
      if (!samples.has(key)) samples.set(key, []);
      samples.get(key).push(result);
    }
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const report = [];
for (const [key, results] of samples) {
  const last = results[results.length - 1];
  const perEntry = median(results.map((r) => r.cpuMicros / r.delivered));
  const perDenial = median(results.map((r) => r.cpuMicros / Math.max(1, r.shown)));
  report.push({
    build: key,
    entriesDelivered: last.delivered,
    bytesPerEntry: Math.round(last.bytes / Math.max(1, last.delivered)),
    denialsShown: last.shown,
    groups: last.groups,
    cpuMicrosPerEntry: Number(perEntry.toFixed(2)),
    ...(key.endsWith('/full') ? { cpuMicrosPerDenial: Number(perDenial.toFixed(2)) } : {}),
  });
}
console.table(report);
for (const stage of stages) {
  const base = report.find((r) => r.build === `base/${stage}`);
  const mine = report.find((r) => r.build === `this/${stage}`);
  if (base && mine)
    console.log(
      `${stage}: this/base CPU per entry = ${(mine.cpuMicrosPerEntry / base.cpuMicrosPerEntry).toFixed(3)}`,
    );
}
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'out', 'ingest.json'),
  JSON.stringify({ entries, rounds, report }, null, 2),
);
