/**
 * Runs the followed snap's app for the UI through the same preparation and launcher as `run` and
 * `compare`, passing its output on as it comes. The OS work is src/launch's; this only wires it.
 */
import { Readable } from 'node:stream';
import { prepareSnapRun, runFailure, type SnapRunRequest } from '../commands/run.js';
import type { RunOutcome } from '../launch/compare-report.js';
import { OutputCapture } from '../launch/compare-run.js';
import { runLauncher } from '../launch/launcher.js';
import { parseSnapApp } from '../launch/run-support.js';
import type { Denial } from '../model/denial.js';
import { parseSnapLabel } from '../model/label.js';
import { parseLine } from '../parse/index.js';
import { rulesCacheDir, rulesDir } from '../paths.js';
import { Enricher } from '../scan/enrich.js';
import { locateSnap } from '../snap/locate.js';
import { loadRules } from '../suggest/index.js';
import type { OutputStream, RunContextInfo, RunMode, RunTarget } from './run-state.js';

export interface FinishedRun {
  /** The launcher's security tag, e.g. snap.hello.app. */
  readonly tag: string;
  /** Exit, duration, output and the run's own denials, enriched like the followed log's. */
  readonly outcome: RunOutcome;
}

export type OutputListener = (stream: OutputStream, text: string) => void;

export interface SnapRunner extends RunContextInfo {
  /** Runs the app once; rejects with a one-line message when it cannot be started. */
  run(mode: RunMode, target: RunTarget, onOutput: OutputListener): Promise<FinishedRun>;
}

export interface SnapRunnerOptions {
  /** The snap name (scanlog's SNAP); without it nothing can be run. */
  readonly snap?: string;
  /** A .snap file or directory instead of /snap/SNAP/current. */
  readonly snapPath?: string;
  /** Who the app runs as (name or uid); default: SUDO_UID, else the caller. */
  readonly user?: string;
}

/** An OutputCapture that also hands each chunk on as text. */
class LiveCapture extends OutputCapture {
  private readonly decoder = new TextDecoder();

  constructor(private readonly onText: (text: string) => void) {
    super();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = this.decoder.decode(chunk, { stream: true });
    if (text !== '') this.onText(text);
    super._write(chunk, encoding, done);
  }
}

/** The apps of the snap, in snap.yaml order; none when it cannot be read (running says why). */
async function appsOf(options: SnapRunnerOptions): Promise<readonly string[]> {
  if (options.snap === undefined) return [];
  try {
    const located = await locateSnap(options.snap, options.snapPath);
    return [...located.meta.apps.keys()];
  } catch {
    return [];
  }
}

/**
 * The launcher reports only this run's denials, so one without a snap app (a seccomp record
 * without an AppArmor label on this kernel) is the run's app's.
 */
export function attributed(denial: Denial, tag: string): Denial {
  if (denial.app !== undefined || denial.hook !== undefined) return denial;
  const owner = parseSnapLabel(tag);
  return owner ? { ...denial, ...owner } : denial;
}

function errorText(error: unknown): string {
  return runFailure(error) ?? (error instanceof Error ? error.message : String(error));
}

export async function makeSnapRunner(options: SnapRunnerOptions): Promise<SnapRunner> {
  const apps = await appsOf(options);
  let enricher: Enricher | undefined;
  const run = async (mode: RunMode, target: RunTarget, onOutput: OutputListener): Promise<FinishedRun> => {
    const snap = options.snap;
    if (snap === undefined) throw new Error('no snap to run');
    const ref = parseSnapApp(`${snap}.${target.app}`);
    if (ref === undefined) throw new Error(`"${snap}.${target.app}" is not SNAP.APP`);
    const request: SnapRunRequest = {
      ref,
      args: target.args,
      ...(options.snapPath !== undefined ? { snapPath: options.snapPath } : {}),
      ...(options.user !== undefined ? { user: options.user } : {}),
    };
    let prepared;
    try {
      ({ prepared } = await prepareSnapRun(request, mode));
    } catch (error) {
      throw new Error(errorText(error));
    }
    try {
      for (const note of prepared.notes) onOutput('note', note);
      const stdout = new LiveCapture((text) => onOutput('stdout', text));
      const stderr = new LiveCapture((text) => onOutput('stderr', text));
      const denials: Denial[] = [];
      const started = performance.now();
      const exit = await runLauncher(
        prepared.launcherArgs,
        { stdin: Readable.from([]), stdout, stderr },
        (line) => {
          const parsed = parseLine(line);
          if (parsed.kind === 'denial') denials.push(parsed.denial);
          else onOutput('note', line);
        },
        new Uint8Array(),
      ).catch((error: unknown) => {
        throw new Error(errorText(error));
      });
      const durationMs = Math.round(performance.now() - started);
      enricher ??= new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() }));
      const enrich = enricher;
      return {
        tag: prepared.tag,
        outcome: {
          exit,
          durationMs,
          stdout: stdout.captured(),
          stderr: stderr.captured(),
          denials: denials.map((d) => enrich.enrich(attributed(d, prepared.tag))),
        },
      };
    } finally {
      prepared.cleanup();
    }
  };
  return { ...(options.snap !== undefined ? { snap: options.snap } : {}), apps, run };
}
