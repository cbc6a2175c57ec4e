/* The mount namespace: the snap's files, a private /tmp, a fresh devpts, writable directories. */
#ifndef SNAPPY_DEBUG_CONFINE_SANDBOX_H
#define SNAPPY_DEBUG_CONFINE_SANDBOX_H

#include "spec.h"

/* unshare(CLONE_NEWNS) and stop mount events from reaching the host. */
void enter_mount_namespace(void);

/*
 * Attaches the .snap to a free loop device, read-only and autoclear (it goes away with its last
 * user: the mount, or this descriptor if nothing mounted it). Returns the open device.
 */
int attach_loop(const char *file, char *device, size_t size);

/* Mounts a .snap (its loop device) or a directory (read-only bind) at spec->snap_dir. */
void mount_snap(const struct spec *spec, const char *loop_device);

/*
 * The base snap's root becomes / : its tree bound on a scratch directory, the host directories
 * snap-confine binds placed over it (where the base has the directory), the base's own /etc
 * entries snap-confine restores (nsswitch.conf, ssl, apparmor, ...), then pivot_root with the
 * host's root kept read-only at /var/lib/snapd/hostfs. base_name may be NULL.
 */
void pivot_into_base(const char *base_root, const char *base_name);

/* /tmp/snap-private-tmp/snap.INSTANCE/tmp bound onto /tmp. */
void setup_private_tmp(const char *instance);

/* A new devpts instance on /dev/pts and its ptmx on /dev/ptmx. */
void setup_devpts(void);

#endif
