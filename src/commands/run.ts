import { parseLine } from '../parse/index.js';
import type { Denial } from '../model/denial.js';
import { snapConnections } from '../launch/connected.js';
import { readDeviceInventory } from '../launch/device-inventory.js';
import { LauncherMissingError, runLauncher } from '../launch/launcher.js';
import { PolicyError, prepareRun, type Mode } from '../launch/prepare.js';
import { resolveUser, UserError } from '../launch/user.js';
import {
  apparmorAvailable,
  BaseError,
  baseRoot,
  describeDenial,
  parseSnapApp,
} from '../launch/run-support.js';
import { locateSnap, SnapNotFoundError } from '../snap/locate.js';
import { SnapYamlError } from '../snap/snap-yaml.js';
import { loadRules } from '../suggest/load.js';
import type { CommandMain } from './types.js';
import { UsageError } from './types.js';
import { parseCommandArgs } from './args.js';

const USAGE = `Usage: snappy-debug run [--strict|--devmode] [--snap PATH] [--user USER] SNAP.APP [-- ARGS...]
       snappy-debug run [OPTIONS] --hook HOOK SNAP

Runs an app of a snap under snappy-debug's own confinement launcher (as root; the app runs as
the invoking user) and reports what the sandbox refused: seccomp and device-cgroup denials.

  --strict       enforce (the default unless snap.yaml says devmode)
  --devmode      allow everything but report what strict would refuse
  --snap PATH    a .snap file or a directory with meta/snap.yaml instead of /snap/SNAP/current
  --user USER    run the app as USER (name or uid); default: SUDO_UID, else the caller
  --hook HOOK    run the snap's hook HOOK (snap.SNAP.hook.HOOK) instead of an app
  --base-path DIR  the base snap's root directory, instead of /snap/BASE/current
`;

function baseRootOption(base: string | undefined, path: string | undefined): { baseRoot?: string } {
  const root = baseRoot(base, path);
  return root === undefined ? {} : { baseRoot: root };
}

export const main: CommandMain = async (argv, io) => {
  const { values, positionals } = parseCommandArgs('run', argv, {
    strict: { type: 'boolean' },
    devmode: { type: 'boolean' },
    snap: { type: 'string' },
    user: { type: 'string' },
    'base-path': { type: 'string' },
    hook: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.strict && values.devmode) throw new UsageError('run: --strict and --devmode exclude each other');
  const [target, ...args] = positionals;
  if (target === undefined) throw new UsageError('run: SNAP.APP is missing');
  const ref = parseSnapApp(target);
  if (ref === undefined) throw new UsageError(`run: "${target}" is not SNAP.APP`);
  if (process.geteuid?.() !== 0) throw new UsageError('run: cannot run without root (use sudo)', 1);
  try {
    const snap = await locateSnap(ref.snap, values.snap, ref.instance);
    if (snap.meta.confinement === 'classic') {
      throw new UsageError(`run: cannot run classic snap "${ref.snap}": it has no sandbox to show`, 1);
    }
    const mode: Mode =
      values.devmode || (!values.strict && snap.meta.confinement === 'devmode') ? 'devmode' : 'strict';
    const rules = loadRules();
    const connections = await snapConnections(snap.meta, rules);
    const user = resolveUser(values.user);
    const prepared = prepareRun({
      snap,
      appName: ref.app,
      instance: ref.instance,
      ...(values.hook !== undefined ? { hookName: values.hook } : {}),
      mode,
      user,
      args,
      rules,
      connectedPlugs: connections.plugs.filter((p) => p.connected).map((p) => p.plug),
      inventory: readDeviceInventory(),
      apparmor: apparmorAvailable(),
      ...baseRootOption(snap.meta.base, values['base-path']),
    });
    io.stderr.write(
      `snappy-debug: running ${prepared.tag} in ${mode} mode as ${user.name} (uid ${user.uid}); ` +
        `connected: ${prepared.interfaces.join(', ') || 'none'}\n`,
    );
    for (const note of prepared.notes) io.stderr.write(`snappy-debug: ${note}\n`);
    const denials: Denial[] = [];
    let status: number;
    try {
      status = await runLauncher(prepared.launcherArgs, io, (line) => {
        io.stderr.write(`${line}\n`);
        const result = parseLine(line);
        if (result.kind === 'denial') denials.push(result.denial);
      });
    } finally {
      prepared.cleanup();
    }
    io.stderr.write(`snappy-debug: ${denials.length} denial${denials.length === 1 ? '' : 's'} in this run\n`);
    for (const denial of denials) io.stderr.write(`  ${describeDenial(denial, prepared.tag)}\n`);
    return status;
  } catch (error) {
    if (
      error instanceof SnapNotFoundError ||
      error instanceof SnapYamlError ||
      error instanceof PolicyError ||
      error instanceof UserError ||
      error instanceof BaseError ||
      error instanceof LauncherMissingError
    ) {
      throw new UsageError(`run: ${error.message}`, 1);
    }
    throw error;
  }
};
