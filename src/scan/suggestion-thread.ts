import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Denial, Suggestion } from '../model/denial.js';
import { packageRoot } from '../paths.js';
import { suggestionInput } from '../suggest/input.js';
import { SUGGEST_WORKER_ENTRY } from '../suggest/worker-files.js';
import type { SuggestionAnswers, SuggestionRequests, SuggestionThreadData } from './suggestion-protocol.js';

/** Where a request's suggestions land once the thread has answered. */
export interface SuggestionSlot {
  suggestions?: readonly Suggestion[];
}

/**
 * The suggestion engine on a worker thread of its own, so that a saved file's new denials are
 * matched against the rules while the main thread parses and prints the rest (two cores: the
 * engine's cold matching is about as long as everything else a replay does).
 */
export class SuggestionThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, SuggestionSlot>();
  private ids: number[] = [];
  private denials: Denial[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(workerPath: string, data: SuggestionThreadData) {
    this.worker = new Worker(workerPath, { workerData: data });
    this.worker.on('message', (answers: SuggestionAnswers) => this.answered(answers));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (this.waiting.size > 0) this.fail(new Error(`the suggestion thread stopped (exit status ${code})`));
    });
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
    this.worker.postMessage(requests);
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
    await this.worker.terminate();
  }

  private answered({ ids, suggestions }: SuggestionAnswers): void {
    for (let i = 0; i < ids.length; i++) {
      const slot = this.waiting.get(ids[i]!);
      this.waiting.delete(ids[i]!);
      if (slot) slot.suggestions = suggestions[i]!;
    }
    this.wakeUp();
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
 * else tsc's module.
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
  return entry === undefined ? undefined : new SuggestionThread(entry, data);
}
