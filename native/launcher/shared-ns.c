#include "shared-ns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

#define NS_DIR "/run/snappy-debug/ns"

/* Like /run/snapd/ns: a private self-bind, so that nsfs mounts do not propagate anywhere. */
static void ensure_private_ns_dir(void)
{
	make_dirs(NS_DIR, 0700, 0, 0);
	struct statx stx;
	if (statx(AT_FDCWD, NS_DIR, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) != 0)
		die("cannot inspect " NS_DIR);
	if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) || !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
		if (mount(NS_DIR, NS_DIR, NULL, MS_BIND, NULL) != 0)
			die("cannot bind " NS_DIR " onto itself");
	}
	if (mount(NULL, NS_DIR, NULL, MS_PRIVATE, NULL) != 0)
		die("cannot make " NS_DIR " private");
}

static bool is_nsfs(const char *path)
{
	struct statfs fs;
	return statfs(path, &fs) == 0 && fs.f_type == NSFS_MAGIC;
}

static bool read_info(const char *path, char *identity, size_t size, bool *made_root, bool *made_name)
{
	FILE *info = fopen(path, "re");
	if (info == NULL)
		return false;
	int root = 0, name = 0;
	bool ok = fgets(identity, (int)size, info) != NULL && fscanf(info, "%d %d", &root, &name) == 2;
	fclose(info);
	identity[strcspn(identity, "\n")] = '\0';
	*made_root = root != 0;
	*made_name = name != 0;
	return ok;
}

void shared_ns_open(struct shared_ns *ns, const char *instance, const struct spec *spec)
{
	memset(ns, 0, sizeof *ns);
	ns->join_fd = -1;
	ensure_private_ns_dir();
	char lock_path[PATH_MAX];
	snprintf(lock_path, sizeof lock_path, NS_DIR "/%s.lock", instance);
	snprintf(ns->mnt_path, sizeof ns->mnt_path, NS_DIR "/%s.mnt", instance);
	snprintf(ns->info_path, sizeof ns->info_path, NS_DIR "/%s.info", instance);
	snprintf(ns->identity, sizeof ns->identity, "snap-dir=%s source=%s base=%s", spec->snap_dir,
		 spec->source_path ? spec->source_path : "-", spec->base_root ? spec->base_root : "-");
	ns->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (ns->lock_fd < 0)
		die("cannot open %s", lock_path);
	char setup_path[PATH_MAX];
	snprintf(setup_path, sizeof setup_path, NS_DIR "/%s.setup.lock", instance);
	ns->setup_fd = open(setup_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (ns->setup_fd < 0)
		die("cannot open %s", setup_path);
	if (flock(ns->setup_fd, LOCK_EX) != 0)
		die("cannot lock %s", setup_path);
	if (!is_nsfs(ns->mnt_path)) {
		ns->owner = true;
		return;
	}
	char identity[sizeof ns->identity];
	bool made_root, made_name;
	if (read_info(ns->info_path, identity, sizeof identity, &made_root, &made_name) &&
	    strcmp(identity, ns->identity) == 0) {
		ns->join_fd = open(ns->mnt_path, O_RDONLY | O_CLOEXEC);
		if (ns->join_fd < 0)
			die("cannot open the mount namespace %s", ns->mnt_path);
		return;
	}
	report_note("the running apps of %s use another snap or base: this one gets a namespace of its own",
		    instance);
}

void shared_ns_register(struct shared_ns *ns, pid_t child, bool made_snap_root, bool made_snap_name_dir)
{
	if (ns->owner) {
		char source[64];
		snprintf(source, sizeof source, "/proc/%d/ns/mnt", (int)child);
		int fd = open(ns->mnt_path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		FILE *info = fopen(ns->info_path, "we");
		if (fd < 0 || info == NULL || mount(source, ns->mnt_path, NULL, MS_BIND, NULL) != 0) {
			/* The app died before it could be shared: run on, unshared. */
			ns->owner = false;
		} else {
			fprintf(info, "%s\n%d %d\n", ns->identity, made_snap_root, made_snap_name_dir);
		}
		if (info != NULL)
			fclose(info);
	}
	if (ns->join_fd >= 0)
		close(ns->join_fd);
	ns->join_fd = -1;
	if (flock(ns->lock_fd, LOCK_SH) != 0)
		die("cannot take a shared lock on the namespace of this snap");
	(void)flock(ns->setup_fd, LOCK_UN);
}

bool shared_ns_release(struct shared_ns *ns, bool *made_snap_root, bool *made_snap_name_dir)
{
	if (flock(ns->setup_fd, LOCK_EX) != 0)
		die("cannot lock the namespace setup of this snap");
	(void)flock(ns->lock_fd, LOCK_UN);
	if (flock(ns->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		close(ns->lock_fd);
		close(ns->setup_fd);
		return false; /* another app of the snap still runs */
	}
	char identity[sizeof ns->identity];
	bool creator_root, creator_name;
	if (read_info(ns->info_path, identity, sizeof identity, &creator_root, &creator_name)) {
		*made_snap_root = creator_root;
		*made_snap_name_dir = creator_name;
	}
	if (is_nsfs(ns->mnt_path) && umount2(ns->mnt_path, MNT_DETACH) != 0)
		fprintf(stderr, "snappy-debug-confine: cannot unmount %s: %s\n", ns->mnt_path, strerror(errno));
	(void)unlink(ns->mnt_path);
	(void)unlink(ns->info_path);
	close(ns->lock_fd);
	close(ns->setup_fd);
	return true;
}
