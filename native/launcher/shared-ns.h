/*
 * One mount namespace per snap instance while any of its apps runs, like snap-confine's
 * /run/snapd/ns/INSTANCE.mnt: the first launcher registers its app's namespace under
 * /run/snappy-debug/ns, later ones setns into it; the last one out unmounts it.
 * Each running app holds a shared flock on INSTANCE.lock; setups and teardowns are serialised by
 * an exclusive flock on INSTANCE.setup.lock.
 */
#ifndef SNAPPY_DEBUG_CONFINE_SHARED_NS_H
#define SNAPPY_DEBUG_CONFINE_SHARED_NS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"

struct shared_ns {
	int lock_fd;
	int setup_fd;
	/* The namespace to join, or -1 to build a new one. */
	int join_fd;
	/* A new namespace is registered for others to join. */
	bool owner;
	char mnt_path[PATH_MAX];
	char info_path[PATH_MAX];
	char identity[PATH_MAX * 3];
};

/* Locks the instance and decides: join the registered namespace, or build (and register) one. */
void shared_ns_open(struct shared_ns *ns, const char *instance, const struct spec *spec);

/* After the app's exec: registers its namespace if this run built it; keeps a shared lock. */
void shared_ns_register(struct shared_ns *ns, pid_t child, bool made_snap_root, bool made_snap_name_dir);

/*
 * After the app's exit: the last run of the instance unmounts the namespace. Returns true then,
 * with the mount points the namespace's creator made on the host in *made_*; on entry *made_*
 * say what this run made, kept when no namespace was registered (the app died in its setup).
 */
bool shared_ns_release(struct shared_ns *ns, bool *made_snap_root, bool *made_snap_name_dir);

#endif
