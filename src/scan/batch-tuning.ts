import { setFlagsFromString } from 'node:v8';

/**
 * V8's interrupt budget for a saved file's replay: eight times the default before a function is
 * optimised. A replay is a second of work over a few hundred functions; at the default budget
 * V8's optimising compiler took 500-700 ms of CPU on its threads (two cores here, shared with the
 * suggestion thread) to make code that ran for only part of that second. Measured on the 1M-line
 * bench log: 8x cut the run's CPU time by about a quarter, 4x by half as much, 16x and 32x no
 * more than 8x; a file whose every denial differs ran the same. Set once, for the whole process
 * (flags are per process, so the suggestion thread's code too), before the replay starts.
 */
const REPLAY_INTERRUPT_BUDGET = 8 * 67_584;

/** The same as command-line flags: a suggestion process and its V8 startup snapshot run with them. */
export const REPLAY_V8_FLAGS: readonly string[] = [`--interrupt-budget=${REPLAY_INTERRUPT_BUDGET}`];

let tuned = false;

export function tuneForBatchReplay(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString(REPLAY_V8_FLAGS.join(' '));
}
