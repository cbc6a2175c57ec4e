// Seccomp compiler speed: parse + compile + encode (.bin2) of snapd's default template plus
// every interface snippet in test/fixtures/seccomp, against Debian 12's snap-seccomp compiling
// the same source (2.57 template, as it cannot read the current one). Reported as ratios to
// snap-seccomp; the goal is well under 50 ms in-process.
// Needs `npm run build` first (or BENCH_DIST=<tsc outDir>). Writes bench/out/seccomp-compile.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.BENCH_DIST ?? join(root, 'dist');
const SNAP_SECCOMP = '/opt/snappy-debug/snapd/usr/lib/snapd/snap-seccomp';
for (const needed of [join(dist, 'src/seccomp/compile.js'), SNAP_SECCOMP]) {
  if (!existsSync(needed))
    throw new Error(`cannot find ${needed}: run npm run build (and scripts/setup-system.sh)`);
}
const { parseProfile } = await import(join(dist, 'src/seccomp/profile.js'));
const { compileProfile } = await import(join(dist, 'src/seccomp/compile.js'));
const { encodeBin2 } = await import(join(dist, 'src/seccomp/bin2.js'));
const { syscallNames } = await import(join(dist, 'src/seccomp/tables.js'));

const runs = Number(process.env.BENCH_RUNS ?? 15);
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const fixtures = join(root, 'test/fixtures/seccomp');
const snippets = readdirSync(fixtures)
  .filter((name) => name.endsWith('.src'))
  .map((name) => readFileSync(join(fixtures, name), 'utf8'))
  .filter((source) => !source.includes('@unrestricted'));
const source = [
  readFileSync(new URL('../../shared/reference/snapd-seccomp-default-template-2.57.txt', import.meta.url), 'utf8'),
  ...snippets,
].join('\n');
const sourcePath = join(out, 'seccomp-bench.src');
writeFileSync(sourcePath, source);

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
const time = (fn) => {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
};

const names = new Set(syscallNames());
const lookup = (name) => (name === 'root' ? 0 : undefined);
let instructions = 0;
const compileOurs = () => {
  const profile = parseProfile(source, {
    isKnownSyscall: (n) => names.has(n),
    lookupUser: lookup,
    lookupGroup: lookup,
  });
  const compiled = compileProfile(profile, { arch: 'x86_64' });
  instructions = compiled.allow.length;
  encodeBin2(compiled);
};
compileOurs(); // warm-up: JIT and table build
const oursMs = time(compileOurs);
const cliMs = time(() => {
  const result = spawnSync(process.execPath, [
    join(dist, 'src/main.js'),
    'seccomp',
    'compile',
    sourcePath,
    join(out, 'ours.bin2'),
    '--bin2',
  ]);
  if (result.status !== 0) throw new Error(`snappy-debug seccomp compile failed: ${result.stderr}`);
});
const snapSeccompMs = time(() => {
  const result = spawnSync(SNAP_SECCOMP, ['compile', sourcePath, join(out, 'snap-seccomp.bin')]);
  if (result.status !== 0) throw new Error(`snap-seccomp failed: ${result.stderr}`);
});
const theirInstructions = readFileSync(join(out, 'snap-seccomp.bin')).length / 8;

const report = {
  source: { lines: source.split('\n').length, snippets: snippets.length },
  oursInProcessMs: oursMs,
  oursCliMs: cliMs,
  snapSeccompMs,
  ratioInProcessToSnapSeccomp: oursMs / snapSeccompMs,
  ratioCliToSnapSeccomp: cliMs / snapSeccompMs,
  instructions: { ours: instructions, snapSeccomp: theirInstructions },
  goal: 'in-process well under 50 ms',
};
writeFileSync(join(out, 'seccomp-compile.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `seccomp compile (${report.source.lines} lines): ours ${oursMs.toFixed(1)} ms in-process, ` +
    `${cliMs.toFixed(0)} ms as a command; snap-seccomp ${snapSeccompMs.toFixed(1)} ms ` +
    `(ratios ${report.ratioInProcessToSnapSeccomp.toFixed(2)}x, ${report.ratioCliToSnapSeccomp.toFixed(2)}x); ` +
    `${instructions} vs ${theirInstructions} instructions`,
);
