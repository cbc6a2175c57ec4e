import { createContext, useContext } from 'react';

/** Rows (by rowIdentity) whose group has denials of the current run. */
export const RunMarksContext = createContext<ReadonlySet<string>>(new Set());

export function useRunMarks(): ReadonlySet<string> {
  return useContext(RunMarksContext);
}
