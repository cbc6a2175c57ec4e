import { execa } from 'execa';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/commands/resolve.js';
import { ARCHES } from '../../src/seccomp/arch.js';
import { PSEUDO_NUMBERS } from '../../src/seccomp/generated/syscalls.js';
import { libseccompName, libseccompNumber } from '../../src/seccomp/resolve.js';
import { syscallNames } from '../../src/seccomp/tables.js';

// Debian's scmp_sys_resolver (package seccomp, libseccomp 2.5.4) is the reference. It is spawned once
// per input, so inputs are fed through `xargs -n1` (one cheap fork/exec each, output in input order),
// two architectures at a time.
const SCMP = 'scmp_sys_resolver';

function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => first + index);
}

/** Runs `scmp_sys_resolver PREFIX… INPUT` for every input; one output line per input. */
async function scmpEach(prefix: readonly string[], inputs: readonly (string | number)[]): Promise<string[]> {
  const { stdout } = await execa('xargs', ['-n1', SCMP, ...prefix], { input: inputs.join('\n') + '\n' });
  const lines = stdout.split('\n');
  if (lines.length !== inputs.length) {
    throw new Error(`${SCMP} ${prefix.join(' ')} gave ${lines.length} lines for ${inputs.length} inputs`);
  }
  return lines;
}

async function inPairs<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

interface ArchRun {
  readonly arch: string;
  readonly numbers: readonly number[];
  readonly numberAnswers: readonly string[];
  readonly names: readonly string[];
  readonly nameAnswers: readonly string[];
  readonly translatedNames: readonly string[];
  readonly translatedAnswers: readonly string[];
  readonly pseudoNumbers: readonly number[];
  readonly pseudoAnswers: readonly string[];
}

function numbersFor(arch: string): number[] {
  const numbers = range(0, 1101);
  if (arch === 'x32') numbers.push(...range(0x40000000, 1101));
  if (arch === 'arm') numbers.push(...range(0x0f0000, 17));
  const mipsOffset = ARCHES.find((info) => info.name === arch)?.numberOffset;
  if (arch.startsWith('mips') && mipsOffset !== undefined) numbers.push(...range(mipsOffset, 600));
  return numbers;
}

const MULTIPLEXED_AND_FRIENDS =
  'socket bind connect listen accept getsockname getpeername socketpair send recv sendto recvfrom shutdown ' +
  'setsockopt getsockopt sendmsg recvmsg accept4 recvmmsg sendmmsg semop semget semctl semtimedop msgsnd ' +
  'msgrcv msgget msgctl shmat shmdt shmget shmctl socketcall ipc read open set_tls';
const PSEUDO_ARCHES = new Set(['x86', 'x86_64', 'aarch64', 'mips', 'ppc64le', 's390x']);
const NOT_NAMES = ['nosuchcall', 'Read', 'read2', '+5', '_'];

// Entries libseccomp's table dropped after Debian's 2.5.4 (commit 7e95f5b, the Linux 7.1.0-rc4 update,
// made parisc64 _llseek PNR). Debian still answers them; our table follows the newer data. Listed
// exactly, so any other disagreement fails.
const WITHDRAWN_NUMBERS = ['parisc64 140: scmp _llseek, ours UNKNOWN'];
const WITHDRAWN_NAMES = ['parisc64 _llseek: scmp 140, ours -10026'];

async function runArch(arch: string): Promise<ArchRun> {
  const numbers = numbersFor(arch);
  const names = [...syscallNames(), ...NOT_NAMES];
  const translatedNames = MULTIPLEXED_AND_FRIENDS.split(' ');
  const pseudoNumbers = PSEUDO_ARCHES.has(arch) ? [...new Set(PSEUDO_NUMBERS.values()), -1, -2, -99] : [];
  const numberAnswers = await scmpEach(['-a', arch], numbers);
  const nameAnswers = await scmpEach(['-a', arch], names);
  const translatedAnswers = await scmpEach(['-t', '-a', arch], translatedNames);
  const pseudoAnswers = pseudoNumbers.length > 0 ? await scmpEach(['-a', arch, '--'], pseudoNumbers) : [];
  return {
    arch,
    numbers,
    numberAnswers,
    names,
    nameAnswers,
    translatedNames,
    translatedAnswers,
    pseudoNumbers,
    pseudoAnswers,
  };
}

let acceptedArches: string[] = [];
let runs: ArchRun[] = [];

beforeAll(async () => {
  const probes = await Promise.all(
    ARCHES.map(async (info) => (await execa(SCMP, ['-a', info.name, 'read'], { reject: false })).exitCode),
  );
  acceptedArches = ARCHES.filter((_, index) => probes[index] === 0).map((info) => info.name);
  runs = await inPairs(acceptedArches, runArch);
}, 180_000);

describe('snappy-debug resolve agrees with Debian scmp_sys_resolver', () => {
  it('is compared on every architecture Debian accepts', () => {
    expect(acceptedArches).toEqual([
      'x86', 'x86_64', 'x32', 'arm', 'aarch64', 'mips', 'mipsel', 'mips64', 'mipsel64', 'mips64n32',
      'mipsel64n32', 'parisc', 'parisc64', 'ppc', 'ppc64', 'ppc64le', 'riscv64', 's390', 's390x',
    ]); // prettier-ignore
  });

  it('names every number it names the same way, and names only newer syscalls it does not', () => {
    const disagreements: string[] = [];
    const newer: Record<string, Set<string>> = {};
    let agreed = 0;
    for (const run of runs) {
      run.numbers.forEach((number, index) => {
        const theirs = run.numberAnswers[index]!;
        const ours = libseccompName(run.arch, number) ?? 'UNKNOWN';
        if (theirs === ours) agreed++;
        else if (theirs === 'UNKNOWN') (newer[run.arch] ??= new Set()).add(ours);
        else disagreements.push(`${run.arch} ${number}: scmp ${theirs}, ours ${ours}`);
      });
    }
    expect(disagreements).toEqual(WITHDRAWN_NUMBERS);
    const counts = Object.fromEntries(runs.map((run) => [run.arch, newer[run.arch]?.size ?? 0]));
    console.log(`numbers: ${agreed} agreed; named only by us (newer than Debian's table):`, counts);
    for (const count of Object.values(counts)) expect(count).toBeLessThanOrEqual(20);
    expect(agreed).toBeGreaterThan(runs.length * 1000);
  });

  it('gives every name the same number, except names Debian does not know yet', () => {
    const disagreements: string[] = [];
    const unknownToDebian: Record<string, number> = {};
    let agreed = 0;
    for (const run of runs) {
      run.names.forEach((name, index) => {
        const theirs = Number(run.nameAnswers[index]);
        const ours = libseccompNumber(run.arch, name);
        if (theirs === ours) agreed++;
        else if (theirs === -1 || (theirs < -1 && ours >= 0)) {
          unknownToDebian[run.arch] = (unknownToDebian[run.arch] ?? 0) + 1;
        } else disagreements.push(`${run.arch} ${name}: scmp ${theirs}, ours ${ours}`);
      });
    }
    expect(disagreements).toEqual(WITHDRAWN_NAMES);
    console.log(`names: ${agreed} agreed; newer than Debian's table:`, unknownToDebian);
    expect(agreed).toBeGreaterThan(runs.length * 480);
  });

  it('translates multiplexed socket and ipc calls (-t) the same way', () => {
    const disagreements: string[] = [];
    for (const run of runs) {
      run.translatedNames.forEach((name, index) => {
        const theirs = Number(run.translatedAnswers[index]);
        const ours = libseccompNumber(run.arch, name, true);
        if (theirs !== ours) disagreements.push(`${run.arch} -t ${name}: scmp ${theirs}, ours ${ours}`);
      });
    }
    expect(disagreements).toEqual([]);
  });

  it('names pseudo (negative) numbers the same way', () => {
    const disagreements: string[] = [];
    let compared = 0;
    for (const run of runs) {
      run.pseudoNumbers.forEach((number, index) => {
        const theirs = run.pseudoAnswers[index]!;
        const ours = libseccompName(run.arch, number) ?? 'UNKNOWN';
        compared++;
        if (theirs !== ours && theirs !== 'UNKNOWN') {
          disagreements.push(`${run.arch} ${number}: scmp ${theirs}, ours ${ours}`);
        }
      });
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
  });
});

async function ours(argv: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exitCode = await main(argv, { stdin: new PassThrough(), stdout, stderr });
  return { stdout: out, stderr: err, exitCode };
}

describe('snappy-debug resolve behaves like scmp_sys_resolver on the command line', () => {
  const cases: readonly (readonly string[])[] = [
    [],
    ['-h'],
    ['read'],
    ['-a', 'x86', 'read'],
    ['-ax86', 'read'],
    ['-ta', 'x86', 'connect'],
    ['-t', '-a', 'x86', 'socket'],
    ['-a', 'x86', '-t', 'semop'],
    ['-t', '-a', 'x86_64', 'send'],
    ['read', '-a', 'x86'],
    ['-a', 'bogus', 'read'],
    ['-a', 'amd64', 'read'],
    ['-a'],
    ['-x', 'read'],
    ['--help-me'],
    ['-1'],
    ['-a', 'x86', '--', '-1'],
    ['-a', 'x86', '--', '-101'],
    ['-a', 'aarch64', '--', '-10166'],
    ['-a', 'aarch64', 'open'],
    ['nosuchcall'],
    ['oldwait4'],
    ['+5'],
    ['-'],
    ['1x'],
    ['0x10'],
    ['010'],
    ['999999'],
    ['2147483648'],
    ['4294967299'],
    ['99999999999999999999999'],
    ['read', 'write'],
    ['-a', 'x86', '-t'],
    ['-tt', 'read'],
    ['-a', 'x32', '0'],
    ['-a', 'x32', 'read'],
    ['-a', 'mips', '3'],
    ['-a', 'mipsel', 'read'],
    ['-a', 'arm', '983045'],
    ['-a', 'arm', 'set_tls'],
    ['-a', 'ppc64', '--', '-10191'],
    ['-a', 'x86', '--', '-10191'],
    ['-a', 'x86', ''],
  ];
  it.each(cases.map((argv) => [argv.join(' ') || '(no arguments)', argv] as const))('%s', async (_, argv) => {
    const theirs = await execa(SCMP, argv, { reject: false, stripFinalNewline: false });
    const mine = await ours(argv);
    expect(mine.exitCode).toBe(theirs.exitCode);
    expect(mine.stdout).toBe(theirs.stdout);
    expect(mine.stderr).toBe(theirs.stderr.replaceAll(SCMP, 'snappy-debug resolve'));
  });
});
