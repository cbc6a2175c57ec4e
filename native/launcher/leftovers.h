/* What a launcher killed with SIGKILL leaves behind, cleaned up by a later run. */
#ifndef SNAPPY_DEBUG_CONFINE_LEFTOVERS_H
#define SNAPPY_DEBUG_CONFINE_LEFTOVERS_H

/*
 * Removes the empty `TAG-PID-N.scope` cgroups under PARENT whose launcher (PID) is gone. One that
 * still holds a process stays (rmdir says EBUSY); a PID reused since is only a late cleanup.
 */
void remove_stale_cgroups(const char *parent);

#endif
