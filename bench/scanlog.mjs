// scanlog throughput against its peers on one generated 1,000,000-line syslog (about 2% denials):
// grep -cE 'apparmor=|type=1326' and python3-apparmor's apparmor.logparser.ReadLog.
// Goal: within 3x of grep, at least 3x faster than ReadLog. Prints a table and writes bench/out/scanlog.json.
// The log is a realistic mix (see gen-syslog.mjs): a few hundred distinct denials of several snaps,
// repeated by processes that come and go. Shown with no goal: the same on a worst-case file where
// every denial differs beyond its pid (nothing learnt from one denial helps with the next).
// Wall time decides the goals; CPU time (user+sys of the command and its children, from
// /usr/bin/time) is reported too, since other work on a shared machine stretches wall time.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureSyslog } from './gen-syslog.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const big = join(out, 'syslog-1m.log');
const distinctBig = join(out, 'syslog-1m-distinct.log');
await ensureSyslog(big);
await ensureSyslog(distinctBig, { distinct: true });
const runs = Number(process.env.BENCH_RUNS ?? 3);

// Every tool runs in the environment a fresh Debian 12 gives it: without NODE_EXTRA_CA_CERTS,
// which some machines (this project's VM among them) set for a TLS proxy. Node reads and parses
// every certificate of that file before it runs any script (~50 ms of CPU for Debian's bundle,
// more than doubling `node -e 0`), and grep and python do not pay it. When it is set, scanlog is
// also timed with it (the row "…, NODE_EXTRA_CA_CERTS inherited"), so that cost stays in view.
const stockEnv = { ...process.env };
delete stockEnv.NODE_EXTRA_CA_CERTS;
const inheritedCaCerts = process.env.NODE_EXTRA_CA_CERTS;

const timeFile = join(tmpdir(), `scanlog-bench-time-${process.pid}`);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** Runs every command once per round, round after round (interleaved, so load changes hit all alike). */
function timeInterleaved(commands) {
  const samples = commands.map(() => []);
  const cpu = commands.map(() => []);
  const mainCpu = commands.map(() => []);
  const outputs = commands.map(() => '');
  for (let i = 0; i < runs; i++) {
    commands.forEach(({ label, command, args, probeArgs, env = stockEnv }, c) => {
      const start = process.hrtime.bigint();
      const result = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, command, ...args], {
        maxBuffer: 1 << 30,
        encoding: 'utf8',
        env,
      });
      samples[c].push(Number(process.hrtime.bigint() - start) / 1e6);
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
      cpu[c].push((user + sys) * 1000);
      if (result.status !== 0 && !(command === 'grep' && result.status === 1)) {
        throw new Error(`${label} failed (${result.status}): ${result.stderr}`);
      }
      outputs[c] = result.stdout;
      if (probeArgs !== undefined) mainCpu[c].push(mainThreadCpu(label, command, probeArgs, env));
    });
  }
  rmSync(timeFile, { force: true });
  return commands.map(({ label }, c) => ({
    label,
    ms: median(samples[c]),
    cpuMs: median(cpu[c]),
    mainCpuMs: mainCpu[c].length > 0 ? median(mainCpu[c]) : undefined,
    output: outputs[c],
  }));
}

/** The main thread's CPU in an untimed run of the same command with bench/thread-cpu.mjs preloaded. */
function mainThreadCpu(label, command, args, env) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, env });
  const threads = /^\{"threadCpu":.*$/m.exec(result.stderr ?? '');
  if (result.status !== 0 || !threads)
    throw new Error(`${label} (thread CPU run) failed (${result.status}): ${result.stderr}`);
  return JSON.parse(threads[0]).threadCpu.main;
}

// Each scanlog run is followed by an untimed one that says how much CPU its main thread used
// (bench/thread-cpu.mjs): the parsing and printing of a replay; the scan and the suggestions
// run on other threads. Untimed, because the sampler itself costs the run 30-40 ms of wall time.
const threadCpu = pathToFileURL(join(root, 'bench', 'thread-cpu.mjs')).href;
const scanlogArgs = (checkout, file, preload) => [
  '-c',
  `node ${preload} "${join(checkout, 'dist/src/main.js')}" scanlog --file "$1" --no-follow --json --include-unconfined > /dev/null`,
  'sh',
  file,
];
const scanlogCommand = (label, checkout, file = big) => ({
  label,
  command: 'sh',
  args: scanlogArgs(checkout, file, ''),
  probeArgs: scanlogArgs(checkout, file, `--import "${threadCpu}"`),
});
// BENCH_BASE=<another checkout, built> also times that build in the same rounds (before/after).
const base = process.env.BENCH_BASE;
const timed = timeInterleaved([
  { label: 'grep -cE', command: 'grep', args: ['-cE', 'apparmor=|type=1326', big] },
  {
    label: 'python3-apparmor ReadLog',
    command: '/usr/bin/python3',
    args: [
      '-c',
      'import sys, apparmor.logparser as l; l.ReadLog(sys.argv[1], {}, "/etc/apparmor.d").read_log("")',
      big,
    ],
  },
  scanlogCommand('snappy-debug scanlog --json', root),
  ...(base ? [scanlogCommand(`same, build in ${base}`, base)] : []),
  ...(inheritedCaCerts !== undefined
    ? [{ ...scanlogCommand('scanlog --json, NODE_EXTRA_CA_CERTS inherited', root), env: process.env }]
    : []),
  { label: 'grep -cE, worst case', command: 'grep', args: ['-cE', 'apparmor=|type=1326', distinctBig] },
  scanlogCommand('scanlog --json, worst case', root, distinctBig),
  ...(base ? [scanlogCommand(`same, build in ${base}, worst case`, base, distinctBig)] : []),
]);
const [grep, readlog, ours, before] = base ? timed.slice(0, 4) : [...timed.slice(0, 3), undefined];
const withCaCerts = inheritedCaCerts !== undefined ? timed[base ? 4 : 3] : undefined;
const [worstGrep, worstOurs, worstBefore] = timed.slice((base ? 4 : 3) + (withCaCerts ? 1 : 0));

// Untimed: the timed runs write to /dev/null, as the command does (piping 35 MB of JSON
// into a counter made the writer wait on the reader). These count the lines and compare builds.
const untimedOutput = (checkout, file, filter) =>
  execFileSync(
    'sh',
    [
      '-c',
      `node "${join(checkout, 'dist/src/main.js')}" scanlog --file "$1" --no-follow --json --include-unconfined 2>/dev/null | ${filter}`,
      'sh',
      file,
    ],
    { encoding: 'utf8' },
  );
const outputHash = (checkout, file = big) => untimedOutput(checkout, file, 'sha256sum').split(' ')[0];
const outputLines = (checkout, file) => Number(untimedOutput(checkout, file, 'wc -l').trim());
const sameOutput = base ? outputHash(root) === outputHash(base) : undefined;
const sameWorstOutput = base ? outputHash(root, distinctBig) === outputHash(base, distinctBig) : undefined;

const denialsGrep = Number(grep.output.trim());
const denialsOurs = outputLines(root, big);
const result = {
  file: big,
  lines: Number(execFileSync('wc', ['-l', big], { encoding: 'utf8' }).split(' ')[0]),
  runs,
  grep_ms: grep.ms,
  readlog_ms: readlog.ms,
  scanlog_ms: ours.ms,
  grep_cpu_ms: grep.cpuMs,
  readlog_cpu_ms: readlog.cpuMs,
  scanlog_cpu_ms: ours.cpuMs,
  scanlog_main_thread_cpu_ms: ours.mainCpuMs,
  denials_grep: denialsGrep,
  denials_scanlog: denialsOurs,
  ratio_vs_grep: ours.ms / grep.ms,
  speedup_vs_readlog: readlog.ms / ours.ms,
  ...(withCaCerts
    ? {
        node_extra_ca_certs_inherited: {
          file: inheritedCaCerts,
          scanlog_ms: withCaCerts.ms,
          scanlog_cpu_ms: withCaCerts.cpuMs,
          scanlog_main_thread_cpu_ms: withCaCerts.mainCpuMs,
          ratio_vs_grep: withCaCerts.ms / grep.ms,
          speedup_vs_readlog: readlog.ms / withCaCerts.ms,
        },
      }
    : {}),
  ...(before
    ? {
        base_checkout: base,
        base_scanlog_ms: before.ms,
        base_scanlog_cpu_ms: before.cpuMs,
        base_scanlog_main_thread_cpu_ms: before.mainCpuMs,
        ratio_vs_base: ours.ms / before.ms,
        cpu_ratio_vs_base: ours.cpuMs / before.cpuMs,
        same_output_as_base: sameOutput,
      }
    : {}),
  worst_case: {
    file: distinctBig,
    grep_ms: worstGrep.ms,
    scanlog_ms: worstOurs.ms,
    scanlog_cpu_ms: worstOurs.cpuMs,
    scanlog_main_thread_cpu_ms: worstOurs.mainCpuMs,
    denials_grep: Number(worstGrep.output.trim()),
    denials_scanlog: outputLines(root, distinctBig),
    ratio_vs_grep: worstOurs.ms / worstGrep.ms,
    ...(worstBefore
      ? {
          base_scanlog_ms: worstBefore.ms,
          base_scanlog_cpu_ms: worstBefore.cpuMs,
          base_scanlog_main_thread_cpu_ms: worstBefore.mainCpuMs,
          ratio_vs_base: worstOurs.ms / worstBefore.ms,
          cpu_ratio_vs_base: worstOurs.cpuMs / worstBefore.cpuMs,
          same_output_as_base: sameWorstOutput,
        }
      : {}),
  },
  goals: {
    within_3x_of_grep: ours.ms / grep.ms <= 3,
    at_least_3x_faster_than_readlog: readlog.ms / ours.ms >= 3,
  },
};
writeFileSync(join(out, 'scanlog.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`| tool | median ms (${runs} runs) | median CPU ms | main thread CPU ms | denials |`);
console.log('| --- | ---: | ---: | ---: | ---: |');
const row = (r, denials) =>
  console.log(
    `| ${r.label} | ${r.ms.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.mainCpuMs?.toFixed(0) ?? ''} | ${denials} |`,
  );
row(grep, denialsGrep);
row(readlog, '(AppArmor only)');
row(ours, denialsOurs);
if (before) row(before, outputLines(base, big));
if (withCaCerts) row(withCaCerts, denialsOurs);
row(worstGrep, result.worst_case.denials_grep);
row(worstOurs, result.worst_case.denials_scanlog);
if (worstBefore) row(worstBefore, outputLines(base, distinctBig));
console.log(
  `scanlog / grep = ${result.ratio_vs_grep.toFixed(2)}x (goal <= 3); ReadLog / scanlog = ${result.speedup_vs_readlog.toFixed(2)}x (goal >= 3)` +
    (before
      ? `; scanlog / base build = ${result.ratio_vs_base.toFixed(2)}x wall, ${result.cpu_ratio_vs_base.toFixed(2)}x CPU; same output: ${sameOutput}`
      : ''),
);
if (withCaCerts)
  console.log(
    `with NODE_EXTRA_CA_CERTS=${inheritedCaCerts} inherited: scanlog / grep = ${result.node_extra_ca_certs_inherited.ratio_vs_grep.toFixed(2)}x; ReadLog / scanlog = ${result.node_extra_ca_certs_inherited.speedup_vs_readlog.toFixed(2)}x`,
  );
console.log(
  `worst case (every denial distinct beyond its pid, no goal): scanlog / grep = ${result.worst_case.ratio_vs_grep.toFixed(2)}x` +
    (worstBefore
      ? `; scanlog / base build = ${result.worst_case.ratio_vs_base.toFixed(2)}x wall, ${result.worst_case.cpu_ratio_vs_base.toFixed(2)}x CPU; same output: ${sameWorstOutput}`
      : ''),
);
