import type { Denial } from '../model/denial.js';

export interface DenialFilter {
  /** Snap name or instance name (positional SNAP / --only-snap). */
  readonly snap?: string;
  /** Also show denials of profiles that are not snaps (docker-default, snap-confine, lxd...). */
  readonly includeUnconfined?: boolean;
}

/** Whether a denial passes the user's snap filter. */
export function matchesFilter(denial: Denial, filter: DenialFilter): boolean {
  if (filter.snap !== undefined) {
    return denial.snap === filter.snap || denial.instance === filter.snap;
  }
  return denial.snap !== undefined || filter.includeUnconfined === true;
}
