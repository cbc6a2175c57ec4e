import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandIO, CommandMain } from './commands/types.js';
import { UsageError } from './commands/types.js';
import { packageRoot } from './paths.js';

interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<CommandMain>;
}

// Loaded on demand so that `resolve` does not pay for the UI's start-up.
const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  scanlog: {
    summary: 'follow the logs and explain AppArmor, seccomp and device-cgroup denials',
    load: async () => (await import('./commands/scanlog.js')).main,
  },
  resolve: {
    summary: 'resolve syscall numbers and names per architecture (scmp_sys_resolver drop-in)',
    load: async () => (await import('./commands/resolve.js')).main,
  },
  seccomp: {
    summary: 'compile, disassemble and explain snapd seccomp profiles',
    load: async () => (await import('./commands/seccomp.js')).main,
  },
  run: {
    summary: 'run a snap app under our confinement launcher (strict or devmode) and show its denials',
    load: async () => (await import('./commands/run.js')).main,
  },
  compare: {
    summary: 'run a snap app in strict and in devmode and show what strict breaks',
    load: async () => (await import('./commands/compare.js')).main,
  },
  connect: {
    summary: 'connect a plug for runs without snapd (SNAP:PLUG)',
    load: async () => (await import('./commands/connect.js')).main,
  },
  disconnect: {
    summary: 'disconnect a plug for runs without snapd (SNAP:PLUG)',
    load: async () => (await import('./commands/disconnect.js')).main,
  },
  connections: {
    summary: "list a snap's plugs and whether they are connected",
    load: async () => (await import('./commands/connections.js')).main,
  },
  devices: {
    summary: "check an app's device access: udev rules, tags and the device cgroup allow list",
    load: async () => (await import('./commands/devices.js')).main,
  },
  overlay: {
    summary: "a snap's local policy overlay: allow denials, re-run, export plugs and a draft policy",
    load: async () => (await import('./commands/overlay.js')).main,
  },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: snappy-debug [COMMAND] [OPTIONS]',
    '',
    'Finds why a snap is blocked by its sandbox and what would allow it.',
    'Without a command, runs scanlog (as Canonical snappy-debug does).',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     show this help (COMMAND --help for a command)',
    '  -V, --version  print the version',
    '',
  ].join('\n');
}

/**
 * The command `argv` names and its arguments: like Canonical's snappy-debug, no command (or a
 * snap name) means scanlog. Help and version are run()'s own, before this.
 */
export function commandOf(argv: readonly string[]): {
  readonly name: string;
  readonly args: readonly string[];
} {
  const [first, ...rest] = argv;
  return first !== undefined && Object.hasOwn(COMMANDS, first)
    ? { name: first, args: rest }
    : { name: 'scanlog', args: argv };
}

export async function run(argv: readonly string[], io: CommandIO): Promise<number> {
  const [first] = argv;
  if (first === '-h' || first === '--help' || first === 'help') {
    io.stdout.write(usage());
    return 0;
  }
  if (first === '-V' || first === '--version') {
    io.stdout.write(`snappy-debug ${version()}\n`);
    return 0;
  }
  const { name, args } = commandOf(argv);
  try {
    const main = await COMMANDS[name]!.load();
    return await main(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`snappy-debug: ${error.message}\n`);
      return error.status;
    }
    throw error;
  }
}
