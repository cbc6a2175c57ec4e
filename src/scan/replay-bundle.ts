/**
 * The entry of scanlog's replay bundle (scripts/bundle.mjs makes dist/src/suggest/scanlog-replay.cjs
 * from it; scan/replay-entry.ts loads it): the replay, and the build's warm-up of its code cache.
 */
import { closeSync, openSync } from 'node:fs';
import type { CommandIO } from '../commands/types.js';
import type { Suggestion } from '../model/denial.js';
import { runReplay } from './replay-run.js';
import type { SuggestionSlot, SuggestionThread } from './suggestion-thread.js';

export { runReplay };

/** What the warm-up's thread answers: one suggestion of each kind, so that both are printed. */
const WARM_UP_SUGGESTIONS: readonly Suggestion[] = [
  {
    kind: 'interface',
    id: 'home',
    text: "add 'home' to 'plugs'",
    reason: 'warm-up',
    autoConnect: true,
    needsReview: false,
    command: 'snap connect warm-up:home',
    plugsLine: 'plugs: [home]',
  },
  { kind: 'advice', id: 'warm-up', text: 'warm-up advice', reason: 'warm-up' },
];

/** Answers every request when it is sent: the code that waits for answers runs, no engine is needed. */
class AnsweringThread {
  private asked: SuggestionSlot[] = [];

  request(_denial: unknown, slot: SuggestionSlot): void {
    this.asked.push(slot);
  }

  send(): void {
    for (const slot of this.asked) slot.suggestions = WARM_UP_SUGGESTIONS;
    this.asked = [];
  }

  until(slot: SuggestionSlot): Promise<readonly Suggestion[]> {
    this.send();
    return Promise.resolve(slot.suggestions!);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * For the build only: replays `file` as JSON and as text into /dev/null, so that the functions a
 * replay runs are compiled when the build writes the bundle's code cache (V8 keeps the bytecode
 * of every function run so far). What the replays print is thrown away.
 */
export async function warmUp(file: string): Promise<void> {
  const fd = openSync('/dev/null', 'w');
  try {
    const quiet = { write: () => true };
    for (const json of [true, false]) {
      const io = { stdin: process.stdin, stdout: { fd, write: () => true }, stderr: quiet };
      const thread = new AnsweringThread() as unknown as SuggestionThread;
      await runReplay(
        { file, json, includeUnconfined: true, keepRatelimit: true },
        io as unknown as CommandIO,
        thread,
      );
    }
  } finally {
    closeSync(fd);
  }
}
