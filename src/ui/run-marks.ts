/** Which list rows belong to the current run: the run's denials' groups get a ◆. Pure. */
import type { Denial, DenialKind } from '../model/denial.js';
import { owner } from './format.js';
import { appOf, snapOf, summaryOf } from './group-key.js';

/** What a list row shows of its group: kind, snap.app and summary. */
export function rowIdentity(kind: DenialKind, rowOwner: string, summary: string): string {
  return `${kind}\u0000${rowOwner}\u0000${summary}`;
}

function identityOf(d: Denial): string {
  return rowIdentity(d.kind, owner(snapOf(d), appOf(d)), summaryOf(d));
}

/** The rows a run's denials fall in. */
export function runMarks(denials: readonly Denial[]): ReadonlySet<string> {
  return new Set(denials.map(identityOf));
}
