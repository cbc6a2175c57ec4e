// scanlog throughput against its peers on one generated 1,000,000-line syslog (about 2% denials):
// grep -cE 'apparmor=|type=1326' and python3-apparmor's apparmor.logparser.ReadLog.
// Goal: within 3x of grep, at least 3x faster than ReadLog. Prints a table and writes bench/out/scanlog.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyslog } from './gen-syslog.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });
const big = join(out, 'syslog-1m.log');
if (!existsSync(big)) await generateSyslog(big);
const runs = Number(process.env.BENCH_RUNS ?? 3);

function time(label, command, args, options = {}) {
  const samples = [];
  let output = '';
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { maxBuffer: 1 << 30, encoding: 'utf8', ...options });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0 && !(command === 'grep' && result.status === 1)) {
      throw new Error(`${label} failed (${result.status}): ${result.stderr}`);
    }
    output = result.stdout;
  }
  samples.sort((a, b) => a - b);
  return { label, ms: samples[Math.floor(samples.length / 2)], output };
}

const grep = time('grep -cE', 'grep', ['-cE', 'apparmor=|type=1326', big]);
const readlog = time('python3-apparmor ReadLog', '/usr/bin/python3', [
  '-c',
  'import sys, apparmor.logparser as l; l.ReadLog(sys.argv[1], {}, "/etc/apparmor.d").read_log("")',
  big,
]);
const ours = time('snappy-debug scanlog --json', 'sh', [
  '-c',
  `node "${join(root, 'dist/src/main.js')}" scanlog --file "$1" --no-follow --json --include-unconfined | wc -l`,
  'sh',
  big,
]);

const denialsGrep = Number(grep.output.trim());
const denialsOurs = Number(ours.output.trim());
const result = {
  file: big,
  lines: Number(execFileSync('wc', ['-l', big], { encoding: 'utf8' }).split(' ')[0]),
  runs,
  grep_ms: grep.ms,
  readlog_ms: readlog.ms,
  scanlog_ms: ours.ms,
  denials_grep: denialsGrep,
  denials_scanlog: denialsOurs,
  ratio_vs_grep: ours.ms / grep.ms,
  speedup_vs_readlog: readlog.ms / ours.ms,
  goals: { within_3x_of_grep: ours.ms / grep.ms <= 3, at_least_3x_faster_than_readlog: readlog.ms / ours.ms >= 3 },
};
writeFileSync(join(out, 'scanlog.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`| tool | median ms (${runs} runs) | denials |`);
console.log('| --- | ---: | ---: |');
console.log(`| ${grep.label} | ${grep.ms.toFixed(0)} | ${denialsGrep} |`);
console.log(`| ${readlog.label} | ${readlog.ms.toFixed(0)} | (AppArmor only) |`);
console.log(`| ${ours.label} | ${ours.ms.toFixed(0)} | ${denialsOurs} |`);
console.log(
  `scanlog / grep = ${result.ratio_vs_grep.toFixed(2)}x (goal <= 3); ReadLog / scanlog = ${result.speedup_vs_readlog.toFixed(2)}x (goal >= 3)`,
);
