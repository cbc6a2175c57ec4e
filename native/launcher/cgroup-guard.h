/* The cgroup hierarchies, read-only inside the app's mount namespace. */
#ifndef SNAPPY_DEBUG_CONFINE_CGROUP_GUARD_H
#define SNAPPY_DEBUG_CONFINE_CGROUP_GUARD_H

/*
 * Remounts every cgroup and cgroup2 mount read-only in the current mount namespace. Without
 * AppArmor (whose template denies these writes) nothing else stops an app running as uid 0 with
 * no capabilities from writing its pid to a cgroup.procs it owns, out of the device program's
 * cgroup: the kernel asks for write permission on the file and no capability.
 */
void make_cgroups_read_only(void);

#endif
