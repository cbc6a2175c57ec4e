/**
 * parseSnapLabel remembered by label text: a log names few labels, each many times. The builders
 * only read the result's members, so one object may serve every record with that label.
 */
import type { SnapLabel } from '../model/denial.js';
import { parseSnapLabel } from '../model/label.js';

const CAPACITY = 1024;
const known = new Map<string, SnapLabel | null>();

export function snapLabelOf(label: string | undefined): SnapLabel | undefined {
  if (!label) return undefined;
  const remembered = known.get(label);
  if (remembered !== undefined) return remembered ?? undefined;
  const parsed = parseSnapLabel(label);
  if (known.size >= CAPACITY) known.clear();
  // Long labels are rare and would pin big strings: parse them every time.
  if (label.length <= 256) known.set(label, parsed ?? null);
  return parsed;
}
