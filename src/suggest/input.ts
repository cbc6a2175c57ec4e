import type { Denial } from '../model/denial.js';

/**
 * A denial's fields no suggestion depends on: the engine never reads them (a unit test changes
 * them all and gets the same suggestions). Everything else may matter.
 */
const UNREAD: ReadonlySet<string> = new Set([
  'raw',
  'log',
  'time',
  'timeText',
  'auditStamp',
  'source',
  'pid',
  'comm',
  'uid',
  'auid',
  'ses',
  'peerPid',
  'fields',
  'repeat',
  'suggestions',
]);

/** What suggest() reads of a denial, other fields left out (a third of its size to send to a thread). */
export type SuggestionInput = Denial;

/** The denial without the fields no suggestion depends on; suggest() answers it as it answers the denial. */
export function suggestionInput(denial: Denial): SuggestionInput {
  const input: Record<string, unknown> = {};
  for (const name in denial) {
    if (!UNREAD.has(name)) input[name] = denial[name as keyof Denial];
  }
  return input as unknown as SuggestionInput;
}

/** Whether suggest() may read this field of a denial. */
export function suggestionReads(name: string): boolean {
  return !UNREAD.has(name);
}
