#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "layouts.h"
#include "report.h"
#include "util.h"

void enter_mount_namespace(void)
{
	if (unshare(CLONE_NEWNS) != 0)
		die("cannot create a mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
		die("cannot make / a slave mount");
}

int attach_loop(const char *file, char *device, size_t size)
{
	int file_fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (file_fd < 0)
		die("cannot open snap file %s", file);
	int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (control < 0)
		die("cannot open /dev/loop-control");
	for (int attempt = 0; attempt < 16; attempt++) {
		int number = ioctl(control, LOOP_CTL_GET_FREE);
		if (number < 0)
			die("cannot get a free loop device");
		snprintf(device, size, "/dev/loop%d", number);
		int loop = open(device, O_RDONLY | O_CLOEXEC);
		if (loop < 0)
			die("cannot open %s", device);
		struct loop_config config;
		memset(&config, 0, sizeof config);
		config.fd = (uint32_t)file_fd;
		config.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
		snprintf((char *)config.info.lo_file_name, sizeof config.info.lo_file_name, "%s", file);
		int rc = ioctl(loop, LOOP_CONFIGURE, &config);
		int saved = errno;
		if (rc == 0) {
			/* The mount takes its own reference; autoclear detaches once it is gone. */
			close(control);
			close(file_fd);
			return loop;
		}
		close(loop);
		if (saved != EBUSY) {
			errno = saved;
			die("cannot attach %s to %s", file, device);
		}
	}
	errno = EBUSY;
	die("cannot find a free loop device for %s", file);
}

void mount_snap(const struct spec *spec, const char *loop_device)
{
	if (spec->source_kind == SNAP_SOURCE_INSTALLED)
		return;
	/* /snap/NAME/REV need not exist on the host: a tmpfs on /snap/NAME holds the mount point. */
	char name_dir[4096];
	snprintf(name_dir, sizeof name_dir, "%s", spec->snap_dir);
	char *slash = strrchr(name_dir, '/');
	if (slash == NULL || slash == name_dir)
		die_input("cannot mount the snap at %s: no parent directory", spec->snap_dir);
	*slash = '\0';
	make_dirs(name_dir, 0755, 0, 0);
	if (mount("tmpfs", name_dir, "tmpfs", MS_NODEV | MS_NOSUID, "mode=0755") != 0)
		die("cannot mount a tmpfs on %s", name_dir);
	layouts_note_writable(name_dir);
	make_dirs(spec->snap_dir, 0755, 0, 0);
	int name_fd = open(name_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (name_fd < 0 || symlinkat(slash + 1, name_fd, "current") != 0)
		die("cannot create %s/current", name_dir);
	close(name_fd);
	if (spec->source_kind == SNAP_SOURCE_SQUASHFS) {
		if (mount(loop_device, spec->snap_dir, "squashfs", MS_RDONLY | MS_NODEV, NULL) != 0)
			die("cannot mount %s (%s) on %s", spec->source_path, loop_device, spec->snap_dir);
	} else {
		if (mount(spec->source_path, spec->snap_dir, NULL, MS_BIND | MS_REC, NULL) != 0)
			die("cannot bind %s on %s", spec->source_path, spec->snap_dir);
		if (mount(NULL, spec->snap_dir, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NODEV, NULL) != 0)
			die("cannot make %s read-only", spec->snap_dir);
	}
}

static int open_dir_nofollow(int at, const char *name)
{
	return openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* mkdirat + open without following symlinks; an existing one must have the owner and mode. */
static int ensure_dir(int at, const char *name, const char *shown, mode_t mode)
{
	if (mkdirat(at, name, 0700) != 0 && errno != EEXIST)
		die("cannot create %s", shown);
	int fd = open_dir_nofollow(at, name);
	if (fd < 0)
		die("cannot open %s", shown);
	struct stat st;
	if (fstat(fd, &st) != 0)
		die("cannot inspect %s", shown);
	if (st.st_uid != 0 || st.st_gid != 0) {
		if (fchown(fd, 0, 0) != 0)
			die("cannot chown %s", shown);
	}
	if ((st.st_mode & 07777) != mode && fchmod(fd, mode) != 0)
		die("cannot chmod %s", shown);
	return fd;
}

void setup_private_tmp(const char *instance)
{
	int tmp = open_dir_nofollow(AT_FDCWD, "/tmp");
	if (tmp < 0)
		die("cannot open /tmp");
	struct stat st;
	if (fstatat(tmp, "snap-private-tmp", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (!S_ISDIR(st.st_mode) || st.st_uid != 0)) {
		errno = EPERM;
		die("cannot use /tmp/snap-private-tmp: it is not a directory owned by root");
	}
	int base = ensure_dir(tmp, "snap-private-tmp", "/tmp/snap-private-tmp", 0700);
	char name[300];
	snprintf(name, sizeof name, "snap.%s", instance);
	char shown[512];
	snprintf(shown, sizeof shown, "/tmp/snap-private-tmp/%s", name);
	int snap_dir = ensure_dir(base, name, shown, 0700);
	snprintf(shown, sizeof shown, "/tmp/snap-private-tmp/%s/tmp", name);
	int private_tmp = ensure_dir(snap_dir, "tmp", shown, 01777);
	char source[64];
	snprintf(source, sizeof source, "/proc/self/fd/%d", private_tmp);
	if (mount(source, "/tmp", NULL, MS_BIND | MS_REC, NULL) != 0)
		die("cannot bind the private /tmp");
	if (mount(NULL, "/tmp", NULL, MS_PRIVATE, NULL) != 0)
		die("cannot make the private /tmp private");
	close(private_tmp);
	close(snap_dir);
	close(base);
	close(tmp);
}

void setup_devpts(void)
{
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620,gid=5") != 0)
		die("cannot mount a new devpts instance on /dev/pts");
	if (mount("/dev/pts/ptmx", "/dev/ptmx", NULL, MS_BIND, NULL) != 0)
		die("cannot bind /dev/pts/ptmx onto /dev/ptmx");
}

/* Host directories snap-confine binds into the base (mount-support.c), when both sides exist. */
static const char *const HOST_DIRS[] = {
	"/dev",		  "/etc",	"/home",     "/root",	 "/proc",	"/sys",	 "/tmp",
	"/var/snap",	  "/var/lib/snapd", "/var/tmp", "/run",	 "/lib/modules", "/lib/firmware",
	"/usr/src",	  "/var/log",	"/media",    "/run/netns", "/mnt",	"/var/lib/extrausers",
	"/snap",
};

#define SCRATCH "/run/snappy-debug-rootfs"
#define HOSTFS "/var/lib/snapd/hostfs"

/* /etc/os-release says ID or ID_LIKE debian or ubuntu. */
static bool host_is_debian_like(void)
{
	char text[4096];
	int fd = open("/etc/os-release", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	text[n] = '\0';
	for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if ((strncmp(line, "ID=", 3) == 0 || strncmp(line, "ID_LIKE=", 8) == 0) &&
		    (strstr(line, "debian") != NULL || strstr(line, "ubuntu") != NULL))
			return true;
	}
	return false;
}

/*
 * The host's /etc is bound in; these entries come back from the base, as snap-confine restores
 * them: where host and base both have them as the same kind (file or directory).
 */
static void restore_base_etc(const char *base_root, const char *base_name)
{
	static const char *const FROM_BASE[] = { "/etc/alternatives", "/etc/nsswitch.conf", "/etc/apparmor",
						 "/etc/apparmor.d", "/etc/ssl" };
	static const char *const FROM_BASE_AFTER_26[] = { "/etc/ld.so.cache", "/etc/ld.so.conf",
							  "/etc/ld.so.conf.d" };
	static const char *const BEFORE_26[] = { "core", "core18", "core20", "core22", "core24" };
	bool after_26 = true;
	for (size_t i = 0; i < sizeof BEFORE_26 / sizeof BEFORE_26[0]; i++)
		after_26 = after_26 && strcmp(base_name, BEFORE_26[i]) != 0;
	/* Debian-like hosts keep their own CA certificates with core bases. */
	bool host_ssl = host_is_debian_like() && strncmp(base_name, "core", 4) == 0;
	size_t n_all = sizeof FROM_BASE / sizeof FROM_BASE[0];
	size_t n_total = n_all + (after_26 ? sizeof FROM_BASE_AFTER_26 / sizeof FROM_BASE_AFTER_26[0] : 0);
	for (size_t i = 0; i < n_total; i++) {
		const char *path = i < n_all ? FROM_BASE[i] : FROM_BASE_AFTER_26[i - n_all];
		if (host_ssl && strcmp(path, "/etc/ssl") == 0)
			continue;
		char src[4096], dst[4096];
		snprintf(src, sizeof src, "%s%s", base_root, path);
		snprintf(dst, sizeof dst, SCRATCH "%s", path);
		struct stat in_base, on_host;
		if (lstat(src, &in_base) != 0 || lstat(dst, &on_host) != 0)
			continue;
		if (!(S_ISREG(in_base.st_mode) || S_ISDIR(in_base.st_mode)) ||
		    (in_base.st_mode & S_IFMT) != (on_host.st_mode & S_IFMT))
			continue;
		if (mount(src, dst, NULL, MS_BIND, NULL) != 0)
			die("cannot bind %s from the base over the host's", path);
		if (mount(NULL, dst, NULL, MS_SLAVE, NULL) != 0)
			die("cannot make %s a slave mount", dst);
	}
}

/*
 * Where the old root goes: /var/lib/snapd/hostfs, made on the host as snap-confine does when the
 * host's /var/lib/snapd is bound in, else on a small tmpfs over the base's empty /var/lib/snapd.
 * False when the base has no /var/lib/snapd at all.
 */
static bool prepare_hostfs(void)
{
	struct stat st;
	if (lstat(SCRATCH "/var/lib/snapd", &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	if (stat("/var/lib/snapd", &st) == 0 && S_ISDIR(st.st_mode)) {
		if (mkdir(HOSTFS, 0755) != 0 && errno != EEXIST)
			die("cannot create " HOSTFS);
		if (stat(HOSTFS, &st) != 0 || st.st_uid != 0 || st.st_gid != 0)
			die_input("cannot use " HOSTFS ": it is not owned by root");
	} else {
		if (mount("tmpfs", SCRATCH "/var/lib/snapd", "tmpfs", MS_NODEV | MS_NOSUID | MS_NOEXEC,
			  "mode=0755") != 0)
			die("cannot mount a tmpfs on the base's /var/lib/snapd");
		if (mkdir(SCRATCH HOSTFS, 0755) != 0)
			die("cannot create " HOSTFS " in the base");
	}
	if (mount(SCRATCH HOSTFS, SCRATCH HOSTFS, NULL, MS_BIND, NULL) != 0 ||
	    mount(NULL, SCRATCH HOSTFS, NULL, MS_PRIVATE, NULL) != 0)
		die("cannot make " HOSTFS " a private mount point");
	return true;
}

/* The host's root at hostfs, as snap-confine leaves it, but read-only all the way down. */
static void finish_hostfs(void)
{
	if (mount(NULL, HOSTFS, NULL, MS_REC | MS_SLAVE, NULL) != 0)
		die("cannot make " HOSTFS " a slave mount");
	static const char *const DETACHED[] = { HOSTFS "/sys", HOSTFS "/dev", HOSTFS "/proc" };
	for (size_t i = 0; i < sizeof DETACHED / sizeof DETACHED[0]; i++)
		if (umount2(DETACHED[i], MNT_DETACH | UMOUNT_NOFOLLOW) != 0 && errno != EINVAL && errno != ENOENT)
			die("cannot detach %s", DETACHED[i]);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	if (syscall(SYS_mount_setattr, AT_FDCWD, HOSTFS, AT_RECURSIVE, &attr, sizeof attr) != 0)
		die("cannot make " HOSTFS " read-only");
}

void pivot_into_base(const char *base_root, const char *base_name)
{
	struct stat st;
	if (stat(base_root, &st) != 0 || !S_ISDIR(st.st_mode))
		die("cannot use base root %s", base_root);
	make_dirs(SCRATCH, 0700, 0, 0);
	if (mount(base_root, SCRATCH, NULL, MS_BIND | MS_REC, NULL) != 0)
		die("cannot bind base root %s", base_root);
	if (mount(NULL, SCRATCH, NULL, MS_REC | MS_SLAVE, NULL) != 0)
		die("cannot make the base root a slave mount");
	for (size_t i = 0; i < sizeof HOST_DIRS / sizeof HOST_DIRS[0]; i++) {
		char target[4096];
		snprintf(target, sizeof target, SCRATCH "%s", HOST_DIRS[i]);
		struct stat host, inside;
		if (stat(HOST_DIRS[i], &host) != 0 || !S_ISDIR(host.st_mode))
			continue;
		if (lstat(target, &inside) != 0 || !S_ISDIR(inside.st_mode))
			continue;
		if (mount(HOST_DIRS[i], target, NULL, MS_BIND | MS_REC, NULL) != 0)
			die("cannot bind %s into the base", HOST_DIRS[i]);
	}
	restore_base_etc(base_root, base_name != NULL ? base_name : "");
	bool hostfs = prepare_hostfs();
	if (chdir(SCRATCH) != 0)
		die("cannot enter the base root");
	/* Without hostfs: pivot_root(".", "."), the old root ends up on top of the new one, detached. */
	if (syscall(SYS_pivot_root, ".", hostfs ? "." HOSTFS : ".") != 0)
		die("cannot pivot into the base root");
	if (!hostfs && umount2(".", MNT_DETACH) != 0)
		die("cannot detach the host's root");
	if (chdir("/") != 0)
		die("cannot change directory to the new /");
	if (hostfs)
		finish_hostfs();
	else
		report_note("the base has no /var/lib/snapd: the host's root is not shown at " HOSTFS);
}
