// Syscall resolution cost: snappy-debug's in-process resolver (what scanlog uses for every seccomp
// denial) against spawning Debian's scmp_sys_resolver per lookup (what Canonical's snappy-debug
// does), plus spawning our own `snappy-debug resolve` CLI for a like-for-like process comparison.
// Needs `npm run build` first (or BENCH_DIST=<tsc outDir>). Prints a table and writes bench/out/resolve.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.BENCH_DIST ?? join(root, 'dist');
const resolver = join(dist, 'src/seccomp/resolve.js');
const cli = join(dist, 'src/main.js');
if (!existsSync(resolver)) throw new Error(`cannot find ${resolver}: run npm run build first`);
const { resolveAuditSyscall, libseccompName } = await import(resolver);
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });

// The seccomp records a busy snap produces: x86_64, compat x86, x32, arm64 and mips numbers.
const records = [
  ['c000003e', 314, 0],
  ['c000003e', 165, 0],
  ['40000003', 102, 1],
  ['c000003e', 0x40000000 + 257, 1],
  ['c00000b7', 56, 0],
  ['c000003e', 9999, 0],
];

function perLookupInProcess(iterations) {
  let named = 0;
  for (let warm = 0; warm < 10_000; warm++)
    named += resolveAuditSyscall(...records[warm % records.length]).name ? 1 : 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    if (resolveAuditSyscall(...records[i % records.length]).name) named++;
    if (libseccompName('x86_64', i % 500)) named++;
  }
  const ns = Number(process.hrtime.bigint() - start) / (2 * iterations);
  return { ns, named };
}

function perLookupSpawned(command, prefix, lookups) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < lookups; i++) {
    const result = spawnSync(command, [...prefix, '-a', 'x86_64', String(i % 500)], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr}`);
  }
  return Number(process.hrtime.bigint() - start) / lookups;
}

const inProcess = perLookupInProcess(1_000_000);
const scmpNs = perLookupSpawned('scmp_sys_resolver', [], Number(process.env.BENCH_SPAWNS ?? 300));
const cliNs = existsSync(cli) ? perLookupSpawned(process.execPath, [cli, 'resolve'], 30) : undefined;

const result = {
  in_process_ns_per_lookup: inProcess.ns,
  scmp_sys_resolver_spawn_ns_per_lookup: scmpNs,
  snappy_debug_resolve_spawn_ns_per_lookup: cliNs,
  speedup_in_process_vs_scmp_spawn: scmpNs / inProcess.ns,
  cli_spawn_vs_scmp_spawn: cliNs === undefined ? undefined : cliNs / scmpNs,
};
writeFileSync(join(out, 'resolve.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log('| resolver | per lookup |');
console.log('| --- | ---: |');
console.log(`| snappy-debug in-process resolveAuditSyscall | ${inProcess.ns.toFixed(0)} ns |`);
console.log(`| spawn scmp_sys_resolver | ${(scmpNs / 1e6).toFixed(2)} ms |`);
if (cliNs !== undefined) console.log(`| spawn snappy-debug resolve | ${(cliNs / 1e6).toFixed(2)} ms |`);
console.log(
  `in-process is ${result.speedup_in_process_vs_scmp_spawn.toFixed(0)}x faster than spawning scmp_sys_resolver`,
);
if (cliNs !== undefined) {
  console.log(
    `spawning snappy-debug resolve costs ${result.cli_spawn_vs_scmp_spawn.toFixed(1)}x spawning scmp_sys_resolver`,
  );
}
