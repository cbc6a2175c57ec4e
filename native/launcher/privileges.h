/* Becoming the invoking user without capabilities, and loading the seccomp filters. */
#ifndef SNAPPY_DEBUG_CONFINE_PRIVILEGES_H
#define SNAPPY_DEBUG_CONFINE_PRIVILEGES_H

#include <linux/filter.h>
#include <stddef.h>

#include "spec.h"

struct seccomp_profile {
	int unrestricted;
	struct sock_fprog allow;
	struct sock_fprog deny;
};

/* Reads a .bin2 file (see src/seccomp/bin2.ts); it must be root's and not writable by others. */
void seccomp_read(const char *path, struct seccomp_profile *profile);

/* Frees the filters seccomp_read allocated. */
void seccomp_free(struct seccomp_profile *profile);

/* Supplementary groups, then gid, then uid; verified; empty capability sets; NO_NEW_PRIVS. */
void drop_privileges(const struct spec *spec);

/* Deny filter first, then allow, both with SECCOMP_FILTER_FLAG_LOG. */
void seccomp_load(const struct seccomp_profile *profile);

#endif
