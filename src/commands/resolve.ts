import { ARCHES, archByAudit, archByName, nativeArch, parseAuditArch } from '../seccomp/arch.js';
import type { ArchInfo } from '../seccomp/arch.js';
import { libseccompName, libseccompNumber, resolveAuditSyscall } from '../seccomp/resolve.js';
import type { CommandIO, CommandMain } from './types.js';

const PROGRAM = 'snappy-debug resolve';
/** scmp_sys_resolver exits with EINVAL for every usage error, -h included. */
const EXIT_USAGE = 22;
const USAGE = `usage: ${PROGRAM} [-h] [-a <arch>] [-t] <name>|<number>\n`;

const HELP = `${USAGE}       ${PROGRAM} --audit-arch <hex> [<number>]

Resolves syscall names and numbers like libseccomp's scmp_sys_resolver (same arguments, output
and exit codes), from snappy-debug's own tables.

  -a <arch>            architecture (default: this machine's): ${ARCHES.map((a) => a.name).join(' ')}
  -t                   for a name, print the socketcall/ipc number it is multiplexed through
  -h                   print the usage line and exit 22, as scmp_sys_resolver does
  --audit-arch <hex>   print the architecture of an audit arch= value (c000003e, 0xc000003e);
                       with <number>, print the name of that audit record's syscall
  --help               print this help

A <number> starts with a digit or '-'; anything else is a <name>. Unknown numbers print UNKNOWN,
unknown names -1; names the architecture lacks print libseccomp's negative pseudo number.
`;

interface Options {
  arch?: ArchInfo;
  translate: boolean;
  auditArch?: string;
  operand?: string;
}

class Exit {
  constructor(
    readonly status: number,
    readonly stderr = '',
    readonly stdout = '',
  ) {}
}

function usageError(message?: string): Exit {
  return new Exit(EXIT_USAGE, `${message === undefined ? '' : `${PROGRAM}: ${message}\n`}${USAGE}`);
}

/** Parses argv the way glibc getopt("a:ht") does (options may follow the operand), plus two long options. */
function parseArguments(argv: readonly string[]): Options | Exit {
  const options: Options = { translate: false };
  const operands: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (argument === '--') {
      operands.push(...argv.slice(index + 1));
      break;
    }
    if (argument === '--help') return new Exit(0, '', HELP);
    if (argument === '--audit-arch' || argument.startsWith('--audit-arch=')) {
      const value = argument === '--audit-arch' ? argv[++index] : argument.slice('--audit-arch='.length);
      if (value === undefined) return usageError("option '--audit-arch' requires an argument");
      options.auditArch = value;
      continue;
    }
    if (!argument.startsWith('-') || argument === '-') {
      operands.push(argument);
      continue;
    }
    for (let at = 1; at < argument.length; at++) {
      const letter = argument[at];
      if (letter === 't') {
        options.translate = true;
      } else if (letter === 'a') {
        const name = at + 1 < argument.length ? argument.slice(at + 1) : argv[++index];
        if (name === undefined) return usageError("option requires an argument -- 'a'");
        options.arch = archByName(name);
        if (options.arch === undefined) return usageError();
        break;
      } else if (letter === 'h') {
        return usageError();
      } else {
        return usageError(`invalid option -- '${letter}'`);
      }
    }
  }
  options.operand = operands[0];
  return options;
}

/** C's atoi() on a 64-bit glibc: strtol clamps to the long range, the int result keeps the low 32 bits. */
export function atoi(text: string): number {
  const match = /^\s*([+-]?)(\d*)/.exec(text);
  const digits = match?.[2] ?? '';
  if (digits === '') return 0;
  let value = BigInt(digits) * (match?.[1] === '-' ? -1n : 1n);
  const longMax = (1n << 63n) - 1n;
  if (value > longMax) value = longMax;
  if (value < -longMax - 1n) value = -longMax - 1n;
  return Number(BigInt.asIntN(32, value));
}

function isNumber(operand: string): boolean {
  return /^[0-9-]/.test(operand);
}

function resolveAuditArch(auditArch: string, operand: string | undefined): Exit {
  const value = parseAuditArch(auditArch);
  if (value === undefined) {
    return new Exit(EXIT_USAGE, `${PROGRAM}: "${auditArch}" is not a hexadecimal audit arch\n`);
  }
  const [primary] = archByAudit(value);
  if (primary === undefined) {
    return new Exit(1, `${PROGRAM}: unknown audit arch ${value.toString(16).padStart(8, '0')}\n`);
  }
  if (operand === undefined) return new Exit(0, '', `${primary.name}\n`);
  if (!isNumber(operand)) return new Exit(EXIT_USAGE, `${PROGRAM}: "${operand}" is not a syscall number\n`);
  return new Exit(0, '', `${resolveAuditSyscall(value, atoi(operand)).name ?? 'UNKNOWN'}\n`);
}

function run(argv: readonly string[]): Exit {
  const options = parseArguments(argv);
  if (options instanceof Exit) return options;
  if (options.auditArch !== undefined) return resolveAuditArch(options.auditArch, options.operand);
  const operand = options.operand;
  if (operand === undefined) return usageError();
  const arch = options.arch ?? nativeArch();
  if (isNumber(operand)) return new Exit(0, '', `${libseccompName(arch.name, atoi(operand)) ?? 'UNKNOWN'}\n`);
  return new Exit(0, '', `${libseccompNumber(arch.name, operand, options.translate)}\n`);
}

export const main: CommandMain = async (argv, io: CommandIO) => {
  const result = run(argv);
  if (result.stdout !== '') io.stdout.write(result.stdout);
  if (result.stderr !== '') io.stderr.write(result.stderr);
  return result.status;
};
