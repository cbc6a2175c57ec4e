// Launch overhead of a trivial snap app (snap-app exit 0), median of BENCH_RUNS runs of each, the
// four commands interleaved (plain, launcher, bwrap, cli, plain, ...) so that a noisy machine
// weighs on all of them alike:
//   plain      the program itself
//   launcher   snappy-debug-confine --strict with a prepared spec (namespace, private /tmp, devpts,
//              read-only snap bind, device-cgroup BPF, seccomp, drop to the first regular user)
//   bwrap      Debian's bubblewrap with a comparable sandbox (new mount namespace, tmpfs /snap with
//              the snap bound read-only, private /tmp, new /dev, the same seccomp allow filter)
//   cli        the whole `snappy-debug run --strict` (policy, seccomp compile, spec, launcher)
// Goals: launcher no slower than bwrap (ratio <= 1); cli under 150 ms.
// Needs root, `npm run build` and `npm run build:native`. Writes bench/out/launcher.json.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  closeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 20);
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const launcher = join(root, 'native/build/snappy-debug-confine');
const app = join(root, 'native/build/helpers/snap-app');

const work = mkdtempSync('/var/tmp/snappy-debug-bench.');
const snapDir = join(work, 'prime');
mkdirSync(join(snapDir, 'meta'), { recursive: true });
mkdirSync(join(snapDir, 'bin'));
writeFileSync(
  join(snapDir, 'meta/snap.yaml'),
  'name: sdbench\nversion: 1\napps:\n  app:\n    command: bin/snap-app\n',
);
copyFileSync(app, join(snapDir, 'bin/snap-app'));

const { prepareRun } = await import(join(root, 'dist/src/launch/prepare.js'));
const { locateSnap } = await import(join(root, 'dist/src/snap/locate.js'));
const { loadRules } = await import(join(root, 'dist/src/suggest/load.js'));
const { readDeviceInventory } = await import(join(root, 'dist/src/launch/device-inventory.js'));
const { resolveUser } = await import(join(root, 'dist/src/launch/user.js'));
const regular = readFileSync('/etc/passwd', 'utf8')
  .split('\n')
  .map((l) => l.split(':'))
  .find((f) => Number(f[2]) >= 1000 && Number(f[2]) < 65534);
const userName = regular?.[0] ?? 'root';
const prepared = prepareRun({
  snap: await locateSnap('sdbench', snapDir),
  appName: 'app',
  mode: 'strict',
  user: resolveUser(userName),
  args: ['exit', '0'],
  rules: loadRules(),
  connectedPlugs: [],
  inventory: readDeviceInventory(),
  apparmor: false,
});

const bin2 = readFileSync(join(prepared.dir, 'seccomp.bin2'));
const allowLength = bin2.readUInt32LE(8);
const rawFilter = join(work, 'allow.bpf');
writeFileSync(rawFilter, bin2.subarray(128, 128 + allowLength));

const median = (samples) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
function once(label, { command, args, seccompFd }) {
  const fds = seccompFd ? [openSync(rawFilter, 'r')] : [];
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'pipe', 'pipe', ...fds],
    env: { ...process.env, SNAPPY_DEBUG_PREBUILT: '1' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  for (const fd of fds) closeSync(fd);
  if (result.status !== 0) throw new Error(`${label} failed (${result.status}): ${result.stderr}`);
  return ms;
}

const commands = {
  plain: { command: app, args: ['exit', '0'] },
  launcher: { command: launcher, args: prepared.launcherArgs },
  bwrap: {
    command: 'bwrap',
    args: [
      '--bind',
      '/',
      '/',
      '--tmpfs',
      '/snap',
      '--ro-bind',
      snapDir,
      '/snap/sdbench/x1',
      '--dev',
      '/dev',
      '--tmpfs',
      '/tmp',
      '--seccomp',
      '3',
      '--',
      '/snap/sdbench/x1/bin/snap-app',
      'exit',
      '0',
    ],
    seccompFd: true,
  },
  cli: {
    command: process.execPath,
    args: [
      join(root, 'dist/src/main.js'),
      'run',
      '--strict',
      '--snap',
      snapDir,
      '--user',
      userName,
      'sdbench.app',
      '--',
      'exit',
      '0',
    ],
  },
};
const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (const [label, spec] of Object.entries(commands)) once(label, spec); // warm caches
for (let i = 0; i < runs; i++) {
  for (const [label, spec] of Object.entries(commands)) samples[label].push(once(label, spec));
}
const results = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
prepared.cleanup();
rmSync(work, { recursive: true, force: true });

const report = {
  runs,
  median_ms: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Number(v.toFixed(2))])),
  ratios: {
    launcher_vs_plain: Number((results.launcher / results.plain).toFixed(2)),
    launcher_vs_bwrap: Number((results.launcher / results.bwrap).toFixed(2)),
    cli_vs_launcher: Number((results.cli / results.launcher).toFixed(2)),
    cli_vs_150ms_goal: Number((results.cli / 150).toFixed(2)),
  },
};
writeFileSync(join(out, 'launcher.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
