/** `overlay SNAP allow [N]`: choice N of each denial of the snap added to its overlay. Pure. */
import type { Denial } from '../model/denial.js';
import { overlayChoices } from './from-denial.js';
import { addEntry, describeEntry, type PolicyOverlay } from './overlay.js';

export interface AllowResult {
  readonly overlay: PolicyOverlay;
  /** `added 2. seccomp: ioprio_set  (REASON)`, one per new entry. */
  readonly added: readonly string[];
  /** Denials of the overlay's snap. */
  readonly denials: number;
  /** Denials with fewer than N choices. */
  readonly noChoice: number;
  /** Denials of other snaps, left alone. */
  readonly otherSnaps: number;
}

export function allowDenials(o: PolicyOverlay, denials: Iterable<Denial>, choice: number): AllowResult {
  let overlay = o;
  let count = 0;
  let noChoice = 0;
  let otherSnaps = 0;
  const added: string[] = [];
  for (const denial of denials) {
    if ((denial.instance ?? denial.snap) !== o.snap) {
      otherSnaps++;
      continue;
    }
    count++;
    const entry = overlayChoices(denial)[choice - 1];
    if (entry === undefined) {
      noChoice++;
      continue;
    }
    const before = overlay;
    overlay = addEntry(overlay, entry);
    if (overlay !== before)
      added.push(`added ${overlay.entries.length}. ${describeEntry(entry)}  (${entry.reason})`);
  }
  return { overlay, added, denials: count, noChoice, otherSnaps };
}

/** `2 denials of foo: 1 entry added, 1 already allowed; 3 of other snaps skipped` */
export function allowSummary(result: AllowResult, choice: number): string {
  const { denials, noChoice, otherSnaps } = result;
  const added = result.added.length;
  const already = denials - noChoice - added;
  return (
    `${denials} denial${denials === 1 ? '' : 's'} of ${result.overlay.snap}: ` +
    `${added} entr${added === 1 ? 'y' : 'ies'} added` +
    (already > 0 ? `, ${already} already allowed` : '') +
    (noChoice > 0 ? `, ${noChoice} without a choice ${choice}` : '') +
    (otherSnaps > 0 ? `; ${otherSnaps} of other snaps skipped` : '')
  );
}

/** The overlay as `overlay SNAP` lists it: numbered entries with reasons, the file named. */
export function formatOverlay(o: PolicyOverlay, path: string): string {
  const lines = [`overlay of ${o.snap} (${path}):`];
  if (o.unrestricted) lines.push('  seccomp: UNRESTRICTED (@unrestricted): no seccomp filter is enforced');
  if (o.entries.length === 0) lines.push('  no entries');
  o.entries.forEach((e, i) => lines.push(`  ${i + 1}. ${describeEntry(e)}  (${e.reason})`));
  return `${lines.join('\n')}\n`;
}
