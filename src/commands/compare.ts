import type { Denial } from '../model/denial.js';
import { compareRuns, compareStatus, withoutLateRecords, type RunOutcome } from '../launch/compare-report.js';
import { comparisonRecord, formatComparison } from '../launch/compare-format.js';
import { readAll, runCaptured, type CapturedRun } from '../launch/compare-run.js';
import type { Mode } from '../launch/prepare.js';
import { parseSnapApp } from '../launch/run-support.js';
import { rulesCacheDir, rulesDir } from '../paths.js';
import { Enricher } from '../scan/enrich.js';
import { loadRules } from '../suggest/index.js';
import { parseCommandArgs } from './args.js';
import { prepareSnapRun, requestOverlay, runFailure, type SnapRunRequest } from './run.js';
import type { CommandIO, CommandMain } from './types.js';
import { UsageError } from './types.js';
import { withLoweredPrintk } from '../system/printk.js';

const USAGE = `Usage: snappy-debug compare [--json] [--snap PATH] [--user USER] SNAP.APP [-- ARGS...]

Runs an app of a snap twice under snappy-debug's confinement launcher (as root), in strict and
then in devmode, with the same arguments, environment and stdin (read once; none from a
terminal), and reports both side by side: exit status, duration, stdout and stderr (the first
64 KiB each, with a line diff), the denials of each run and what only strict enforces.

  --json         one JSON object instead of text
  --snap PATH    a .snap file or a directory with meta/snap.yaml instead of /snap/SNAP/current
  --user USER    run the app as USER (name or uid); default: SUDO_UID, else the caller
  --base-path DIR  the base snap's root directory, instead of /snap/BASE/current
  --no-overlay   do not apply the snap's policy overlay (see snappy-debug overlay)

Exit status: 0 when both runs behave the same (exit status, stdout and stderr), 1 when strict's
run differs or the app cannot be run, 2 on bad usage.
`;

async function launch(request: SnapRunRequest, mode: Mode, input: Uint8Array, io: CommandIO) {
  const { prepared } = await prepareSnapRun(request, mode);
  try {
    for (const note of prepared.notes) io.stderr.write(`snappy-debug: ${mode}: ${note}\n`);
    const run = await withLoweredPrintk(() =>
      runCaptured(prepared.launcherArgs, input, (note) =>
        io.stderr.write(`snappy-debug: ${mode}: ${note}\n`),
      ),
    );
    return { run, tag: prepared.tag, interfaces: prepared.interfaces };
  } finally {
    prepared.cleanup();
  }
}

function outcome(run: CapturedRun, denials: readonly Denial[], enricher: Enricher): RunOutcome {
  return { ...run, denials: denials.map((d) => enricher.enrich(d)) };
}

export const main: CommandMain = async (argv, io) => {
  const { values, positionals } = parseCommandArgs('compare', argv, {
    json: { type: 'boolean' },
    snap: { type: 'string' },
    user: { type: 'string' },
    'base-path': { type: 'string' },
    'no-overlay': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const [target, ...args] = positionals;
  if (target === undefined) throw new UsageError('compare: SNAP.APP is missing');
  const ref = parseSnapApp(target);
  if (ref === undefined) throw new UsageError(`compare: "${target}" is not SNAP.APP`);
  if (process.geteuid?.() !== 0) throw new UsageError('compare: cannot run without root (use sudo)', 1);
  const base: SnapRunRequest = {
    ref,
    args,
    ...(values.snap !== undefined ? { snapPath: values.snap } : {}),
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values['base-path'] !== undefined ? { basePath: values['base-path'] } : {}),
  };
  // runLauncher passes SIGINT/SIGTERM on to the app; after an interrupted run, stop there.
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => void (interrupted ??= signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const request: SnapRunRequest = { ...base, ...requestOverlay(ref.instance, values['no-overlay'], io) };
    const input = io.stdin.isTTY ? new Uint8Array() : await readAll(io.stdin);
    const strict = await launch(request, 'strict', input, io);
    if (interrupted !== undefined)
      throw new UsageError(`compare: interrupted by ${interrupted} during the strict run`, 130);
    const devmode = await launch(request, 'devmode', input, io);
    if (interrupted !== undefined)
      throw new UsageError(`compare: interrupted by ${interrupted} during the devmode run`, 130);
    io.stderr.write(
      `snappy-debug: compared ${strict.tag} in strict and devmode; connected: ${strict.interfaces.join(', ') || 'none'}\n`,
    );
    const enricher = new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() }));
    const comparison = compareRuns(
      outcome(strict.run, strict.run.denials, enricher),
      outcome(devmode.run, withoutLateRecords(devmode.run.denials, strict.run.denials), enricher),
    );
    io.stdout.write(
      values.json
        ? `${JSON.stringify(comparisonRecord(comparison))}\n`
        : formatComparison(comparison, strict.tag),
    );
    return compareStatus(comparison);
  } catch (error) {
    const message = runFailure(error);
    if (message !== undefined) throw new UsageError(`compare: ${message}`, 1);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};
