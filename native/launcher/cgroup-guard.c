#include "cgroup-guard.h"

#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define MAX_CGROUP_MOUNTS 32

/* A bind remount sets every per-mount flag: keep the ones the mount has. */
static unsigned long current_flags(const char *dir)
{
	static const struct {
		unsigned long st, ms;
	} FLAGS[] = {
		{ ST_NOSUID, MS_NOSUID },     { ST_NODEV, MS_NODEV },	      { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statvfs fs;
	if (statvfs(dir, &fs) != 0)
		die("cannot inspect %s", dir);
	unsigned long flags = 0;
	for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++)
		if (fs.f_flag & FLAGS[i].st)
			flags |= FLAGS[i].ms;
	return flags;
}

void make_cgroups_read_only(void)
{
	char dirs[MAX_CGROUP_MOUNTS][PATH_MAX];
	size_t count = 0;
	FILE *mounts = setmntent("/proc/self/mounts", "re");
	if (mounts == NULL)
		die("cannot open /proc/self/mounts");
	struct mntent *entry;
	while ((entry = getmntent(mounts)) != NULL && count < MAX_CGROUP_MOUNTS) {
		if (strcmp(entry->mnt_type, "cgroup") == 0 || strcmp(entry->mnt_type, "cgroup2") == 0)
			snprintf(dirs[count++], PATH_MAX, "%s", entry->mnt_dir);
	}
	endmntent(mounts);
	for (size_t i = 0; i < count; i++) {
		/*
		 * Sets only the read-only flag: what the remount below does, without reading the other
		 * flags first (kernels before 5.12 have no mount_setattr).
		 */
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		if (syscall(SYS_mount_setattr, AT_FDCWD, dirs[i], 0, &attr, sizeof attr) == 0)
			continue;
		unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | current_flags(dirs[i]);
		if (mount(NULL, dirs[i], NULL, flags, NULL) != 0)
			die("cannot make %s read-only", dirs[i]);
	}
}
