/* The mount namespace: the snap's files, a private /tmp, a fresh devpts, writable directories. */
#ifndef SNAPPY_DEBUG_CONFINE_SANDBOX_H
#define SNAPPY_DEBUG_CONFINE_SANDBOX_H

#include "spec.h"

/* unshare(CLONE_NEWNS) and stop mount events from reaching the host. */
void enter_mount_namespace(void);

/* Mounts a .snap (read-only loop device) or a directory (read-only bind) at spec->snap_dir. */
void mount_snap(const struct spec *spec);

/* /tmp/snap-private-tmp/snap.INSTANCE/tmp bound onto /tmp. */
void setup_private_tmp(const char *instance);

/* A new devpts instance on /dev/pts and its ptmx on /dev/ptmx. */
void setup_devpts(void);

#endif
