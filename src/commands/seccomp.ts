import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { archByName, nativeArch } from '../seccomp/arch.js';
import { decodeSeccompFile, encodeBin, encodeBin2, SeccompFileError } from '../seccomp/bin2.js';
import { compileProfile } from '../seccomp/compile.js';
import { constantValue } from '../seccomp/constants.js';
import { disassemble } from '../seccomp/disasm.js';
import { explainCall } from '../seccomp/explain.js';
import { parseProfile, ProfileError, type Profile } from '../seccomp/profile.js';
import { syscallNames } from '../seccomp/tables.js';
import type { CommandIO, CommandMain } from './types.js';
import { UsageError } from './types.js';

const USAGE = `Usage:
  snappy-debug seccomp compile IN.src OUT.bin [--bin2] [-a ARCH]
  snappy-debug seccomp disasm FILE.bin[2]
  snappy-debug seccomp explain PROFILE.src SYSCALL [ARGS...] [-a ARCH] [--call-arch ARCH]

compile  builds snapd's seccomp source into BPF: raw .bin (snapd 2.57) or, with --bin2, the
         header + allow + deny format of snapd 2.63+ (the only one that carries ~ rules)
disasm   prints a compiled filter one instruction a line
explain  says which line allows or denies a call; exit 0 if allowed, 1 if denied.
         ARGS are decimal, 0x-hex or a symbol such as AF_UNIX

Options:
  -a, --arch ARCH   native architecture (libseccomp name), default: this machine's
      --call-arch   the arch the call is made on (e.g. x86 for a compat call), default: ARCH
      --bin2        write the .bin2 format
`;

const KNOWN_SYSCALLS = new Set(syscallNames());

/** uid/gid by name from /etc/passwd or /etc/group, as snap-seccomp resolves u:NAME and g:NAME. */
function idLookup(file: string): (name: string) => number | undefined {
  let entries: Map<string, number> | undefined;
  return (name) => {
    entries ??= new Map(
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.split(':'))
        .filter((fields) => fields.length > 2 && /^\d+$/.test(fields[2]!))
        .map((fields) => [fields[0]!, Number(fields[2])] as const),
    );
    return entries.get(name);
  };
}

function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 1);
  }
}

function loadProfile(path: string, io: CommandIO, warn = true): Profile {
  const source = readInput(path).toString('utf8');
  try {
    const profile = parseProfile(source, {
      file: path,
      isKnownSyscall: (name) => KNOWN_SYSCALLS.has(name),
      lookupUser: idLookup('/etc/passwd'),
      lookupGroup: idLookup('/etc/group'),
    });
    if (warn)
      for (const warning of profile.warnings)
        io.stderr.write(`snappy-debug: ${path}:${warning.line}: ${warning.message}\n`);
    return profile;
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(error.message, 1);
    throw error;
  }
}

function archOption(value: string | undefined): string {
  const arch = value ?? nativeArch().name;
  if (archByName(arch) === undefined) throw new UsageError(`unknown architecture '${arch}'`);
  return arch;
}

function compileCommand(args: readonly string[], io: CommandIO): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { bin2: { type: 'boolean' }, arch: { type: 'string', short: 'a' } },
  });
  const [input, output, ...extra] = positionals;
  if (input === undefined || output === undefined || extra.length > 0) {
    throw new UsageError('seccomp compile needs IN.src and OUT.bin');
  }
  const arch = archOption(values.arch);
  const profile = loadProfile(input, io);
  let compiled;
  try {
    compiled = compileProfile(profile, { arch });
  } catch (error) {
    throw new UsageError(`cannot compile ${input}: ${(error as Error).message}`, 1);
  }
  const denyRules = profile.rules.filter((rule) => rule.deny).length;
  if (!values.bin2 && denyRules > 0 && !profile.unrestricted) {
    io.stderr.write(
      `snappy-debug: ${input}: ${denyRules} ~ rules dropped: the .bin format has no deny filter (use --bin2)\n`,
    );
  }
  try {
    writeAtomically(output, values.bin2 ? encodeBin2(compiled) : encodeBin(compiled));
  } catch (error) {
    if (error instanceof SeccompFileError)
      throw new UsageError(`cannot compile ${input}: ${error.message}`, 1);
    throw new UsageError(
      `cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      1,
    );
  }
  return 0;
}

function disasmCommand(args: readonly string[], io: CommandIO): number {
  if (args.length !== 1) throw new UsageError('seccomp disasm needs exactly one FILE');
  const path = args[0]!;
  let file;
  try {
    file = decodeSeccompFile(new Uint8Array(readInput(path)));
  } catch (error) {
    if (error instanceof SeccompFileError) throw new UsageError(`${path}: ${error.message}`, 1);
    throw error;
  }
  if (file.unrestricted) {
    io.stdout.write(`${path}: ${file.format}, unrestricted (no filter)\n`);
    return 0;
  }
  const sections =
    file.format === 'bin2'
      ? [['allow', file.allow] as const, ['deny', file.deny] as const]
      : [['', file.allow] as const];
  for (const [name, program] of sections) {
    const title = name ? `${name} filter, ` : '';
    io.stdout.write(
      `${path}: ${file.format}, ${title}${program.length} instructions\n${disassemble(program)}\n`,
    );
  }
  return 0;
}

function parseValue(token: string): bigint {
  const symbol = constantValue(token);
  if (symbol !== undefined) return BigInt(symbol);
  if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(token)) return BigInt(token);
  if (/^-[0-9]+$/.test(token)) return BigInt(token) & ((1n << 64n) - 1n);
  throw new UsageError(`cannot parse argument '${token}': not a number or known constant`);
}

function explainCommand(args: readonly string[], io: CommandIO): number {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { arch: { type: 'string', short: 'a' }, 'call-arch': { type: 'string' } },
  });
  const [path, syscall, ...callArgs] = positionals;
  if (path === undefined || syscall === undefined)
    throw new UsageError('seccomp explain needs PROFILE.src and SYSCALL');
  if (callArgs.length > 6) throw new UsageError(`too many arguments: ${callArgs.length}, at most 6`);
  const arch = archOption(values.arch);
  const profile = loadProfile(path, io, false);
  let explanation;
  try {
    explanation = explainCall(profile, {
      arch,
      ...(values['call-arch'] !== undefined ? { callArch: values['call-arch'] } : {}),
      syscall: /^\d+$/.test(syscall) ? Number(syscall) : syscall,
      args: callArgs.map(parseValue),
      argLabels: callArgs,
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message, 1);
  }
  io.stdout.write(`${explanation.text}\n`);
  return explanation.allowed ? 0 : 1;
}

export const main: CommandMain = async (argv, io) => {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'compile':
        return compileCommand(rest, io);
      case 'disasm':
        return disasmCommand(rest, io);
      case 'explain':
        return explainCommand(rest, io);
      case '-h':
      case '--help':
      case undefined:
        io.stdout.write(USAGE);
        return sub === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown seccomp subcommand '${sub}' (compile, disasm or explain)`);
    }
  } catch (error) {
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
};

/** A failed write (full disk, read-only) leaves the previous output as it was and no temporary file. */
function writeAtomically(path: string, data: Uint8Array): void {
  // A device or pipe (/dev/stdout) is written as it is: there is nothing to replace.
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing !== undefined && !existing.isFile()) {
    writeFileSync(path, data);
    return;
  }
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data, { mode: 0o644 });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
