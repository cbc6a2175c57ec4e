import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Denial, Suggestion } from '../model/denial.js';
import { packageRoot } from '../paths.js';
import { suggestionInput } from '../suggest/input.js';
import { SUGGEST_WORKER_ENTRY } from '../suggest/worker-files.js';
import {
  currentSuggestSnapshot,
  SuggestionProcess,
  type BackendEvents,
  type SuggestionBackend,
  type SuggestionSnapshot,
} from './suggestion-process.js';
import type { SuggestionAnswers, SuggestionRequests, SuggestionThreadData } from './suggestion-protocol.js';

const RECORD_ANSWER_TIMES = process.env.SNAPPY_DEBUG_SUGGEST_TIMES === '1';

/** Where a request's suggestions land once the thread has answered. */
export interface SuggestionSlot {
  suggestions?: readonly Suggestion[];
}

// Required when a worker is wanted: a replay that has a suggestion process does not load it
// before it starts that process (as an ES module import it costs a start some milliseconds).
const require = createRequire(import.meta.url);

/** The engine on a worker thread: started at once, its compiled code from the build's code cache. */
class WorkerBackend implements SuggestionBackend {
  private readonly worker: Worker;

  constructor(workerPath: string, data: SuggestionThreadData, events: BackendEvents) {
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new Worker(workerPath, { workerData: data });
    this.worker.on('message', (answers: SuggestionAnswers) => events.answered(answers));
    this.worker.on('error', (error) => events.stopped(error, true));
    this.worker.on('exit', (code) =>
      events.stopped(new Error(`the suggestion thread stopped (exit status ${code})`), false),
    );
  }

  post(requests: SuggestionRequests): void {
    this.worker.postMessage(requests);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The suggestion engine beside the main thread, so that a saved file's new denials are matched
 * against the rules while the main thread parses and prints the rest (two cores: the engine's
 * cold matching is about as long as everything else a replay does). Given a snapshot, the engine
 * runs in a process started from it (suggestion-process.ts), ready long before a worker thread
 * would be; should that process end before its first answer (a blob this node refuses, say), a
 * worker thread takes over and is sent every request again. Otherwise a worker thread.
 */
export class SuggestionThread {
  private backend: SuggestionBackend;
  private readonly waiting = new Map<number, SuggestionSlot>();
  private ids: number[] = [];
  private denials: Denial[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  /** What was sent to a process that has not answered yet, to send again to a worker should it fail. */
  private unanswered: SuggestionRequests[] | undefined;
  private closed = false;
  /**
   * When the first and the last answers came (performance.now(): ms since this process started),
   * kept only for SNAPPY_DEBUG_SUGGEST_TIMES=1: a replay's first performance.now() loads
   * perf_hooks, about a millisecond of the main thread.
   */
  firstAnswerAt: number | undefined;
  lastAnswerAt: number | undefined;

  constructor(
    private readonly workerPath: string,
    private readonly data: SuggestionThreadData,
    snapshot?: SuggestionSnapshot,
  ) {
    if (snapshot === undefined) {
      this.backend = this.startWorker();
    } else {
      this.unanswered = [];
      const backend: SuggestionBackend = new SuggestionProcess(snapshot, data, {
        answered: (answers) => this.answered(answers),
        stopped: (error, always) => this.stopped(backend, error, always),
      });
      this.backend = backend;
    }
  }

  /** Where the suggestions are made now (a process falls back to a worker). */
  get engine(): SuggestionProcess | 'worker' {
    return this.backend instanceof SuggestionProcess ? this.backend : 'worker';
  }

  /** Asks for `denial`'s suggestions (sent with the next send()); they land in `slot`. */
  request(denial: Denial, slot: SuggestionSlot): void {
    const id = this.nextId++;
    this.waiting.set(id, slot);
    this.ids.push(id);
    // Only what suggest() reads crosses to the thread (the raw line and its fields are most of a denial).
    this.denials.push(suggestionInput(denial));
  }

  /** Sends the requests made since the last send, as one message. */
  send(): void {
    if (this.ids.length === 0) return;
    const requests: SuggestionRequests = { ids: this.ids, denials: this.denials };
    this.backend.post(requests);
    this.unanswered?.push(requests);
    this.ids = [];
    this.denials = [];
  }

  /** Resolves when `slot` holds its suggestions; rejects when the thread failed. */
  async until(slot: SuggestionSlot): Promise<readonly Suggestion[]> {
    this.send();
    while (slot.suggestions === undefined) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return slot.suggestions;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.backend.close();
  }

  private startWorker(): SuggestionBackend {
    const backend: SuggestionBackend = new WorkerBackend(this.workerPath, this.data, {
      answered: (answers) => this.answered(answers),
      stopped: (error, always) => this.stopped(backend, error, always),
    });
    return backend;
  }

  private answered({ ids, suggestions }: SuggestionAnswers): void {
    this.unanswered = undefined;
    if (RECORD_ANSWER_TIMES) {
      this.lastAnswerAt = performance.now();
      this.firstAnswerAt ??= this.lastAnswerAt;
    }
    for (let i = 0; i < ids.length; i++) {
      const slot = this.waiting.get(ids[i]!);
      this.waiting.delete(ids[i]!);
      if (slot) slot.suggestions = suggestions[i]!;
    }
    this.wakeUp();
  }

  private stopped(backend: SuggestionBackend, error: Error, always: boolean): void {
    if (backend !== this.backend || this.closed) return;
    const resend = this.unanswered;
    if (resend !== undefined) {
      this.unanswered = undefined;
      void backend.close();
      this.backend = this.startWorker();
      for (const requests of resend) this.backend.post(requests);
      return;
    }
    if (always || this.waiting.size > 0) this.fail(error);
  }

  private fail(error: Error): void {
    this.failure ??= new Error(`suggestions: ${error.message}`);
    this.wakeUp();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * Files smaller than this are suggested for on the main thread: the thread's start (an isolate,
 * its modules, the rules) costs about what the main thread's parsing of such a file could hide.
 */
export const THREAD_MIN_BYTES = 32 << 20;

/**
 * The suggestion thread for a saved file of `fileBytes` bytes when its built entry exists and
 * the file is large enough to pay for it. SNAPPY_DEBUG_SUGGEST_THREAD=0 asks for suggestions on
 * the main thread, =1 for the thread whatever the size (tests compare both). The entry is the
 * entry `npm run build` makes (dist/src/suggest/suggest-worker.cjs, see suggest/worker-start.ts),
 * else tsc's module. The engine runs in a process started from the build's V8 snapshot when
 * that is current (suggestion-process.ts), unless SNAPPY_DEBUG_SUGGEST_PROCESS=0 asks for the
 * worker thread.
 */
export function startSuggestionThread(
  data: SuggestionThreadData,
  fileBytes: number,
): SuggestionThread | undefined {
  const wanted = process.env.SNAPPY_DEBUG_SUGGEST_THREAD;
  if (wanted === '0' || (wanted !== '1' && fileBytes < THREAD_MIN_BYTES)) return undefined;
  const dist = join(packageRoot(), 'dist', 'src');
  const entry = [join(dist, 'suggest', SUGGEST_WORKER_ENTRY), join(dist, 'scan', 'suggest-worker.js')].find(
    (path) => existsSync(path),
  );
  if (entry === undefined) return undefined;
  const snapshot =
    process.env.SNAPPY_DEBUG_SUGGEST_PROCESS === '0'
      ? undefined
      : currentSuggestSnapshot(join(dist, 'suggest'));
  return new SuggestionThread(entry, data, snapshot);
}
