import type { SourceName } from '../model/denial.js';
import type { SourceLine } from './types.js';

export function sourceLine(line: string, source: SourceName): SourceLine {
  return { line, source, receivedAt: Date.now() };
}
