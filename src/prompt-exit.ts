/**
 * A command whose work is all done when its main resolves says so here; the bin entry (main.ts)
 * then ends the process as soon as its output is flushed, instead of letting Node tear down its
 * heap and threads (10-15 ms after a 1M-line replay). Only a command that knows nothing of its
 * own is still running asks: a child to wait for, a terminal to restore, a 'beforeExit' listener.
 * Commands called in-process (tests) may ask too: only the bin entry reads it.
 */
let requested = false;

export function exitPromptlyWhenDone(): void {
  requested = true;
}

export function promptExitRequested(): boolean {
  return requested;
}
