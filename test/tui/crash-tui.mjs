#!/usr/bin/env node
// Runs the built UI and crashes the process with an uncaught exception on SIGUSR1 (sent once the UI
// is on screen), to show that the terminal is restored even then. Usage: node test/tui/crash-tui.mjs
const { runTui } = await import(new URL('../../dist/src/ui/run-tui.js', import.meta.url).href);

/** A source that never delivers anything. */
const nothing = { [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }) };

process.on('SIGUSR1', () => {
  throw new Error('deliberate crash for the terminal-restore test');
});
await runTui({
  denials: nothing,
  sourceDescription: 'crash test',
  stats: () => ({ lines: 0, unparsed: 0, gaps: 0 }),
});
