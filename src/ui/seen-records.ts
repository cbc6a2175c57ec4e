/**
 * A run's seccomp and device records reach the UI twice when the followed log is the system's:
 * from the launcher's report and from the log. Both copies carry the record's audit stamp, so the
 * second one seen is dropped.
 */
import type { Denial } from '../model/denial.js';

/** Stamps remembered; far more than a run's records that can be in flight at once. */
const KEPT = 4096;

export class SeenRecords {
  private readonly keys = new Set<string>();

  constructor(private readonly limit = KEPT) {}

  /** False for a copy of a seccomp or device record already seen; true otherwise. */
  firstSight(d: Denial): boolean {
    if (d.kind === 'apparmor' || d.auditStamp === undefined) return true;
    const { seconds, millis, serial } = d.auditStamp;
    const key = `${d.kind} ${seconds}.${millis}:${serial}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.limit) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return true;
  }
}

/** The followed denials without the copies of records a run already added. */
export async function* firstSightings(
  denials: AsyncIterable<Denial>,
  seen: SeenRecords,
): AsyncGenerator<Denial> {
  for await (const denial of denials) if (seen.firstSight(denial)) yield denial;
}
