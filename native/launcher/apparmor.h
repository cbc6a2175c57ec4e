/* AppArmor: whether the kernel has it, and the child's switch to its profile at exec. */
#ifndef SNAPPY_DEBUG_CONFINE_APPARMOR_H
#define SNAPPY_DEBUG_CONFINE_APPARMOR_H

#include <stdbool.h>

/* /sys/module/apparmor/parameters/enabled says Y and securityfs shows /sys/kernel/security/apparmor. */
bool apparmor_enabled(void);

/*
 * aa_change_onexec without libapparmor: writes "exec PROFILE" to /proc/self/attr/apparmor/exec
 * (or the older /proc/self/attr/exec); the profile applies from the next execve. Dies on failure.
 */
void apparmor_change_onexec(const char *profile);

#endif
