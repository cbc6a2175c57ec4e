import type { Denial } from '../model/denial.js';
import { snapConnections } from '../launch/connected.js';
import { readDeviceInventory } from '../launch/device-inventory.js';
import { LauncherMissingError, runLauncher } from '../launch/launcher.js';
import { PolicyError, prepareRun, type Mode, type PreparedRun } from '../launch/prepare.js';
import { resolveUser, UserError, type TargetUser } from '../launch/user.js';
import {
  apparmorAvailable,
  BaseError,
  baseRoot,
  describeDenial,
  parseSnapApp,
  type SnapAppRef,
} from '../launch/run-support.js';
import { locateSnap, SnapNotFoundError } from '../snap/locate.js';
import { SnapYamlError } from '../snap/snap-yaml.js';
import { loadInterfaceRules } from '../suggest/load.js';
import { declaredPlugs } from '../snap/connections.js';
import { rulesCacheDir, rulesDir } from '../paths.js';
import { appliedNote, OverlayError, runOverlay } from '../launch/overlay-store.js';
import type { PolicyOverlay } from '../overlay/overlay.js';
import type { CommandIO, CommandMain } from './types.js';
import { UsageError } from './types.js';
import { parseCommandArgs } from './args.js';
import { withLoweredPrintk } from '../system/printk.js';
import { markPhase, timingLine } from '../launch/run-timing.js';

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
  --no-overlay   do not apply the snap's policy overlay (see snappy-debug overlay)
`;

function baseRootOption(base: string | undefined, path: string | undefined): { baseRoot?: string } {
  const root = baseRoot(base, path);
  return root === undefined ? {} : { baseRoot: root };
}

/** A classic snap has no sandbox to run it in. */
export class ClassicSnapError extends Error {}

/** What `run` and `compare` need to prepare one launch. */
export interface SnapRunRequest {
  readonly ref: SnapAppRef;
  readonly snapPath?: string;
  readonly hook?: string;
  readonly user?: string;
  readonly basePath?: string;
  readonly args: readonly string[];
  /** Applied on top of the snap's policy (see src/overlay). */
  readonly overlay?: PolicyOverlay;
}

export interface SnapRun {
  readonly prepared: PreparedRun;
  readonly mode: Mode;
  readonly user: TargetUser;
}

/**
 * Locates the snap and writes the launcher's spec for `mode` (default: strict unless snap.yaml
 * says devmode). The caller must call `prepared.cleanup()`. Errors a user can fix are the
 * classes `runFailure` names.
 */
export async function prepareSnapRun(request: SnapRunRequest, forcedMode?: Mode): Promise<SnapRun> {
  const { ref } = request;
  const snap = await locateSnap(ref.snap, request.snapPath, ref.instance);
  markPhase('locate');
  if (snap.meta.confinement === 'classic') {
    throw new ClassicSnapError(`cannot run classic snap "${ref.snap}": it has no sandbox to show`);
  }
  const mode: Mode = forcedMode ?? (snap.meta.confinement === 'devmode' ? 'devmode' : 'strict');
  const rules = loadInterfaceRules(
    [
      ...declaredPlugs(snap.meta).values(),
      ...(request.overlay?.entries ?? []).flatMap((e) => (e.kind === 'interface' ? [e.interface] : [])),
    ],
    rulesDir(),
    { cacheDir: rulesCacheDir() },
  );
  markPhase('rules');
  const connections = await snapConnections(snap.meta, rules);
  markPhase('connections');
  const user = resolveUser(request.user);
  const inventory = readDeviceInventory();
  markPhase('user+inventory');
  const prepared = prepareRun({
    snap,
    appName: ref.app,
    instance: ref.instance,
    ...(request.hook !== undefined ? { hookName: request.hook } : {}),
    mode,
    user,
    args: request.args,
    rules,
    connectedPlugs: connections.plugs.filter((p) => p.connected).map((p) => p.plug),
    inventory,
    apparmor: apparmorAvailable(),
    ...baseRootOption(snap.meta.base, request.basePath),
    ...(request.overlay !== undefined ? { overlay: request.overlay } : {}),
  });
  markPhase('prepare');
  return { prepared, mode, user };
}

/** The snap's overlay for a request, unless `skip` (--no-overlay); says which file it applies. */
export function requestOverlay(
  instance: string,
  skip: boolean | undefined,
  io: CommandIO,
): { overlay?: PolicyOverlay } {
  if (skip) return {};
  const found = runOverlay(instance);
  if (found === undefined) return {};
  io.stderr.write(`snappy-debug: ${appliedNote(found.path, found.overlay)}\n`);
  return { overlay: found.overlay };
}

/** The message of an error the user can act on (bad snap, policy, user, base, no launcher). */
export function runFailure(error: unknown): string | undefined {
  if (
    error instanceof ClassicSnapError ||
    error instanceof SnapNotFoundError ||
    error instanceof SnapYamlError ||
    error instanceof PolicyError ||
    error instanceof UserError ||
    error instanceof BaseError ||
    error instanceof LauncherMissingError ||
    error instanceof OverlayError
  ) {
    return error.message;
  }
  return undefined;
}

export const main: CommandMain = async (argv, io) => {
  const { values, positionals } = parseCommandArgs('run', argv, {
    strict: { type: 'boolean' },
    devmode: { type: 'boolean' },
    snap: { type: 'string' },
    user: { type: 'string' },
    'base-path': { type: 'string' },
    hook: { type: 'string' },
    'no-overlay': { type: 'boolean' },
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
  markPhase('loaded');
  try {
    const request: SnapRunRequest = {
      ref,
      args,
      ...(values.snap !== undefined ? { snapPath: values.snap } : {}),
      ...(values.hook !== undefined ? { hook: values.hook } : {}),
      ...(values.user !== undefined ? { user: values.user } : {}),
      ...(values['base-path'] !== undefined ? { basePath: values['base-path'] } : {}),
      ...requestOverlay(ref.instance, values['no-overlay'], io),
    };
    markPhase('overlay');
    const forced: Mode | undefined = values.devmode ? 'devmode' : values.strict ? 'strict' : undefined;
    const { prepared, mode, user } = await prepareSnapRun(request, forced);
    io.stderr.write(
      `snappy-debug: running ${prepared.tag} in ${mode} mode as ${user.name} (uid ${user.uid}); ` +
        `connected: ${prepared.interfaces.join(', ') || 'none'}\n`,
    );
    for (const note of prepared.notes) io.stderr.write(`snappy-debug: ${note}\n`);
    const reports: string[] = [];
    // The parser loads while the app runs (started once the launcher is spawned, so it does not
    // delay it); the report's lines are parsed when the run has ended.
    let parser: Promise<typeof import('../parse/index.js')> | undefined;
    let status: number;
    try {
      status = await withLoweredPrintk(() => {
        markPhase('printk');
        const launched = runLauncher(prepared.launcherArgs, io, (line) => {
          io.stderr.write(`${line}\n`);
          reports.push(line);
        });
        parser = import('../parse/index.js');
        parser.catch(() => {}); // awaited below: a failure surfaces there, not as an unhandled one
        return launched.finally(() => markPhase('launcher'));
      });
      markPhase('restore');
    } finally {
      prepared.cleanup();
      markPhase('cleanup');
    }
    const { parseLine } = await (parser ?? import('../parse/index.js'));
    const denials: Denial[] = [];
    for (const line of reports) {
      const result = parseLine(line);
      if (result.kind === 'denial') denials.push(result.denial);
    }
    io.stderr.write(`snappy-debug: ${denials.length} denial${denials.length === 1 ? '' : 's'} in this run\n`);
    for (const denial of denials) io.stderr.write(`  ${describeDenial(denial, prepared.tag)}\n`);
    const timing = timingLine();
    if (timing !== undefined) io.stderr.write(`snappy-debug: ${timing}\n`);
    return status;
  } catch (error) {
    const message = runFailure(error);
    if (message !== undefined) throw new UsageError(`run: ${message}`, 1);
    throw error;
  }
};
