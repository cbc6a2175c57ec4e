/**
 * Runs the followed snap's app for the UI through the same preparation and launcher as `run` and
 * `compare`, passing its output on as it comes. The OS work is src/launch's; this only wires it.
 */
import { resolve } from 'node:path';
import { prepareSnapRun, runFailure, type SnapRunRequest } from '../commands/run.js';
import type { RunOutcome } from '../launch/compare-report.js';
import { runCaptured } from '../launch/compare-run.js';
import { appliedNote, loadOverlay, overlayPath, saveOverlay } from '../launch/overlay-store.js';
import { exportOverlay } from '../overlay/export.js';
import type { PolicyOverlay } from '../overlay/overlay.js';
import { parseSnapApp } from '../launch/run-support.js';
import type { Denial } from '../model/denial.js';
import { parseSnapLabel } from '../model/label.js';
import { rulesCacheDir, rulesDir } from '../paths.js';
import { Enricher } from '../scan/enrich.js';
import { locateSnap } from '../snap/locate.js';
import { loadRules } from '../suggest/index.js';
import type { OutputStream, RunContextInfo, RunMode, RunTarget } from './run-state.js';
import { withLoweredPrintk } from '../system/printk.js';

export interface FinishedRun {
  /** The launcher's security tag, e.g. snap.hello.app. */
  readonly tag: string;
  /** Exit, duration, output and the run's own denials, enriched like the followed log's. */
  readonly outcome: RunOutcome;
}

export type OutputListener = (stream: OutputStream, text: string) => void;

export interface SnapRunner extends RunContextInfo {
  /** Runs the app once with `overlay` on its policy; rejects with a one-line message when it cannot start. */
  run(
    mode: RunMode,
    target: RunTarget,
    overlay: PolicyOverlay | undefined,
    onOutput: OutputListener,
  ): Promise<FinishedRun>;
  /** The snap's overlay as its file holds it, and the file; undefined without a snap. */
  readonly overlay?: { readonly policy: PolicyOverlay; readonly path: string };
  /** Why the overlay file could not be read (then the overlay keys say so). */
  readonly overlayProblem?: string;
  /** Saves the overlay to its file; returns the path. Throws a one-line OverlayError. */
  saveOverlay(policy: PolicyOverlay): string;
  /** Writes the overlay's export (plugs:, snap connect, draft policy) as Markdown; returns the path. */
  exportOverlay(policy: PolicyOverlay): Promise<string>;
}

export interface SnapRunnerOptions {
  /** The snap name (scanlog's SNAP); without it nothing can be run. */
  readonly snap?: string;
  /** A .snap file or directory instead of /snap/SNAP/current. */
  readonly snapPath?: string;
  /** Who the app runs as (name or uid); default: SUDO_UID, else the caller. */
  readonly user?: string;
  /** Writes a file whole (temporary file and rename); returns the path to show. */
  readonly writeText?: (path: string, text: string) => Promise<string>;
}

interface SnapFacts {
  /** In snap.yaml order. */
  readonly apps: readonly string[];
  /** Plug names snap.yaml declares (left out of the export's plugs:). */
  readonly plugs: ReadonlySet<string>;
}

/** The snap's apps and plugs; none when it cannot be read (running then says why). */
async function factsOf(options: SnapRunnerOptions): Promise<SnapFacts> {
  if (options.snap === undefined) return { apps: [], plugs: new Set() };
  try {
    const { meta } = await locateSnap(options.snap, options.snapPath);
    const plugs = new Set([...meta.plugs.keys(), ...[...meta.apps.values()].flatMap((app) => app.plugs)]);
    return { apps: [...meta.apps.keys()], plugs };
  } catch {
    return { apps: [], plugs: new Set() };
  }
}

function loadedOverlay(snap: string | undefined): Pick<SnapRunner, 'overlay' | 'overlayProblem'> {
  if (snap === undefined) return {};
  try {
    return { overlay: { policy: loadOverlay(snap), path: overlayPath(snap) } };
  } catch (error) {
    return { overlayProblem: error instanceof Error ? error.message : String(error) };
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

function isEmpty(overlay: PolicyOverlay): boolean {
  return overlay.entries.length === 0 && !overlay.unrestricted;
}

function errorText(error: unknown): string {
  return runFailure(error) ?? (error instanceof Error ? error.message : String(error));
}

export async function makeSnapRunner(options: SnapRunnerOptions): Promise<SnapRunner> {
  const facts = await factsOf(options);
  let enricher: Enricher | undefined;
  const run = async (
    mode: RunMode,
    target: RunTarget,
    overlay: PolicyOverlay | undefined,
    onOutput: OutputListener,
  ): Promise<FinishedRun> => {
    const snap = options.snap;
    if (snap === undefined) throw new Error('no snap to run');
    const ref = parseSnapApp(`${snap}.${target.app}`);
    if (ref === undefined) throw new Error(`"${snap}.${target.app}" is not SNAP.APP`);
    const request: SnapRunRequest = {
      ref,
      args: target.args,
      ...(options.snapPath !== undefined ? { snapPath: options.snapPath } : {}),
      ...(options.user !== undefined ? { user: options.user } : {}),
      ...(overlay !== undefined && !isEmpty(overlay) ? { overlay } : {}),
    };
    let prepared;
    try {
      ({ prepared } = await prepareSnapRun(request, mode));
    } catch (error) {
      throw new Error(errorText(error));
    }
    try {
      if (overlay !== undefined && !isEmpty(overlay))
        onOutput('note', appliedNote(overlayPath(overlay.snap), overlay));
      for (const note of prepared.notes) onOutput('note', note);
      const run = await withLoweredPrintk(() =>
        runCaptured(prepared.launcherArgs, new Uint8Array(), (note) => onOutput('note', note), onOutput),
      ).catch((error: unknown) => {
        throw new Error(errorText(error));
      });
      enricher ??= new Enricher(loadRules(rulesDir(), { cacheDir: rulesCacheDir() }));
      const enrich = enricher;
      return {
        tag: prepared.tag,
        outcome: { ...run, denials: run.denials.map((d) => enrich.enrich(attributed(d, prepared.tag))) },
      };
    } finally {
      prepared.cleanup();
    }
  };
  const writeText = options.writeText;
  return {
    ...(options.snap !== undefined ? { snap: options.snap } : {}),
    apps: facts.apps,
    run,
    ...loadedOverlay(options.snap),
    saveOverlay: (policy) => saveOverlay(policy),
    exportOverlay: async (policy) => {
      if (!writeText) throw new Error('this UI cannot write files');
      return writeText(
        resolve(`snappy-debug-overlay-${policy.snap}.md`),
        exportOverlay(policy, facts.plugs).markdown,
      );
    },
  };
}
