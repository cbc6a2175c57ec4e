import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  SUGGEST_ENGINE_BUNDLE,
  suggestSnapshotManifest,
  type SuggestSnapshotManifest,
} from '../suggest/worker-files.js';
import { REPLAY_V8_FLAGS } from './batch-tuning.js';
import { encodeFrame, FrameReader } from './suggestion-process-frames.js';
import type {
  SuggestionAnswers,
  SuggestionProcessReady,
  SuggestionRequests,
  SuggestionThreadData,
} from './suggestion-protocol.js';

/** A V8 startup snapshot of the suggestion engine (scripts/build-suggest-snapshot.mjs) and the flags it needs. */
export interface SuggestionSnapshot {
  readonly blob: string;
  readonly v8Flags: readonly string[];
}

/** What a suggestion backend (this process, or a worker thread) tells the SuggestionThread. */
export interface BackendEvents {
  answered(answers: SuggestionAnswers): void;
  /** It can answer no more; `always`: a failure even when no request waits. */
  stopped(error: Error, always: boolean): void;
}

export interface SuggestionBackend {
  post(requests: SuggestionRequests): void;
  close(): Promise<void>;
}

/** The last this many characters of the process's standard error go into its failure's message. */
const STDERR_KEPT = 2000;

/**
 * The suggestion engine in a node process of its own, started from the engine's V8 startup
 * snapshot (rules loaded, indexes built) so that it answers about as soon as node is up.
 * Requests go down its stdin and answers come up its stdout as frames (suggestion-process-frames.ts).
 * It runs in a session of its own (a terminal's Ctrl-C reaches only this process, which then
 * closes it), exits when its stdin ends (this process closed it or died) and is killed on close
 * and when this process exits.
 */
export class SuggestionProcess implements SuggestionBackend {
  /** Whether it suggests from the snapshot's rules (undefined until it said it is ready). */
  rulesFromSnapshot: boolean | undefined;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly killOnExit = (): void => void this.child.kill('SIGKILL');
  private stderr = '';
  private closing = false;

  constructor(snapshot: SuggestionSnapshot, data: SuggestionThreadData, events: BackendEvents) {
    const env = { ...process.env };
    // Its V8 flags are the snapshot's: any other flag makes node refuse the blob.
    delete env.NODE_OPTIONS;
    // It makes no TLS connection, and node reads and parses every certificate of that file
    // before it runs anything (about 50 ms of CPU for Debian's bundle).
    delete env.NODE_EXTRA_CA_CERTS;
    this.child = spawn(
      process.execPath,
      [...snapshot.v8Flags, '--snapshot-blob', snapshot.blob, JSON.stringify(data)],
      { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env },
    );
    process.on('exit', this.killOnExit);
    this.exited = new Promise((resolve) => this.child.once('close', () => resolve()));
    const reader = new FrameReader(false);
    this.child.stdout!.on('data', (chunk: Buffer) => {
      for (const value of reader.push(chunk)) {
        if ((value as Partial<SuggestionProcessReady>).ready === true)
          this.rulesFromSnapshot = (value as SuggestionProcessReady).rulesFromSnapshot;
        else events.answered(value as SuggestionAnswers);
      }
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_KEPT);
    });
    // A process that is gone says so by its exit; writing to it meanwhile is not an error of its own.
    this.child.stdin!.on('error', () => {});
    this.child.on('error', (error) => {
      if (!this.closing) events.stopped(error, true);
    });
    // 'close', not 'exit': every answer it wrote has been read by then.
    this.child.on('close', (code, signal) => {
      process.removeListener('exit', this.killOnExit);
      if (this.closing) return;
      const status = code !== null ? `exit status ${code}` : `signal ${signal}`;
      const said = this.stderr.trim().split('\n').at(-1);
      events.stopped(new Error(`the suggestion process stopped (${status})${said ? `: ${said}` : ''}`), true);
    });
  }

  post(requests: SuggestionRequests): void {
    this.child.stdin!.write(encodeFrame(requests));
  }

  async close(): Promise<void> {
    this.closing = true;
    process.removeListener('exit', this.killOnExit);
    this.child.stdin!.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    // A process that never started has no stdio to close.
    if (this.child.pid !== undefined) await this.exited;
  }

  /** The process's id (tests look for it in /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }
}

/**
 * The snapshot `npm run build` made in `suggestDir` for this node and architecture, when it is
 * still the engine bundle's there (same file, size and mtime) and made with the replay's V8
 * flags; undefined otherwise. Whether the rules changed since is the process's own check.
 */
export function currentSuggestSnapshot(suggestDir: string): SuggestionSnapshot | undefined {
  let manifest: SuggestSnapshotManifest;
  try {
    manifest = JSON.parse(
      readFileSync(join(suggestDir, suggestSnapshotManifest(process.version, process.arch)), 'utf8'),
    ) as SuggestSnapshotManifest;
    const bundle = join(suggestDir, SUGGEST_ENGINE_BUNDLE);
    const bundleStat = statSync(bundle);
    const blob = join(suggestDir, manifest.blob);
    const current =
      manifest.node === process.version &&
      manifest.arch === process.arch &&
      manifest.bundle === bundle &&
      manifest.bundleBytes === bundleStat.size &&
      manifest.bundleMtimeMs === bundleStat.mtimeMs &&
      statSync(blob).size === manifest.blobBytes &&
      manifest.v8Flags.join(' ') === REPLAY_V8_FLAGS.join(' ');
    return current ? { blob, v8Flags: manifest.v8Flags } : undefined;
  } catch {
    return undefined;
  }
}
