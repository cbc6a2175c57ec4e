/*
 * escape-probe: the app of the sandbox test snap. Each argument names one attempt to get out of
 * the sandbox; each attempt runs for real (in a forked child when success would change the
 * probe's own state) and prints one line:
 *
 *   ATTEMPT NAME ok -          the call succeeded
 *   ATTEMPT NAME denied ERRNO  it failed with ERRNO (EPERM, EACCES, ENOENT, ...)
 *
 * Attempts (ARG after '='):
 *   capset             capset() with every capability effective and permitted
 *   ambient            prctl(PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN)
 *   setuid / setgid    setuid(0) / setgid(0)
 *   cgroup-root        write own pid to cgroup.procs at the cgroup2 root
 *   cgroup-parent      write own pid to the parent of its own cgroup
 *   cgroup-mkdir       mkdir a child cgroup in its own cgroup
 *   mount              mount a tmpfs on /mnt
 *   umount=PATH        umount2(PATH, MNT_DETACH)
 *   unshare-mnt|user|net|pid|ipc|uts|cgroup   unshare(CLONE_NEW...)
 *   ptrace=PID         ptrace(PTRACE_ATTACH, PID)
 *   open=PATH          open(PATH, O_RDONLY)
 *   create=PATH        create PATH (O_CREAT|O_EXCL) and write to it
 *   list=DIR           read the entries of DIR
 *   read=PATH          read PATH
 *   setns=PATH         open PATH and setns() into it
 *   chroot=DIR         chroot(DIR)
 *   mknod=PATH         mknod(PATH, S_IFCHR, 1:11), /dev/kmsg's numbers
 *   bpf-detach         detach the device program from its own cgroup (BPF_PROG_DETACH)
 *   fds                "FD N TARGET" per descriptor open in the probe (the listing's own omitted)
 *   environ            "ENV NAME=VALUE" per environment entry, in order
 *   cgroup             "CGROUP PATH": its own cgroup v2 path
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void print_result(const char *name, int rc, int err)
{
	if (rc == 0)
		printf("ATTEMPT %s ok -\n", name);
	else
		printf("ATTEMPT %s denied %s\n", name, strerrorname_np(err) ? strerrorname_np(err) : "E?");
}

/* The attempt in a child, so that one that succeeds leaves the probe as it was. */
static void in_child(const char *name, int (*attempt)(const char *), const char *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		printf("ATTEMPT %s error fork:%s\n", name, strerrorname_np(errno));
		return;
	}
	if (pid == 0) {
		errno = 0;
		int rc = attempt(arg);
		print_result(name, rc == 0 ? 0 : -1, errno);
		fflush(stdout);
		_exit(0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static int attempt_capset(const char *arg)
{
	(void)arg;
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	data[0].effective = data[0].permitted = 0xFFFFFFFFu;
	data[1].effective = data[1].permitted = (1u << (CAP_LAST_CAP - 31)) - 1;
	data[0].inheritable = data[1].inheritable = 0;
	return (int)syscall(SYS_capset, &header, data);
}

static int attempt_ambient(const char *arg)
{
	(void)arg;
	return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN, 0, 0);
}

static int attempt_setuid(const char *arg)
{
	(void)arg;
	return setuid(0);
}

static int attempt_setgid(const char *arg)
{
	(void)arg;
	return setgid(0);
}

/* The cgroup2 mount point and this process's path in it ("" when not found). */
static void cgroup_paths(char *root, size_t root_size, char *own, size_t own_size)
{
	root[0] = own[0] = '\0';
	FILE *mounts = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	while (mounts != NULL && fgets(line, sizeof line, mounts) != NULL) {
		char point[1024], type[64];
		const char *sep = strstr(line, " - ");
		if (sep == NULL || sscanf(sep, " - %63s", type) != 1 || strcmp(type, "cgroup2") != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %1023s", point) == 1) {
			snprintf(root, root_size, "%s", point);
			break;
		}
	}
	if (mounts != NULL)
		fclose(mounts);
	FILE *cgroup = fopen("/proc/self/cgroup", "re");
	while (cgroup != NULL && fgets(line, sizeof line, cgroup) != NULL) {
		if (strncmp(line, "0::", 3) == 0) {
			size_t len = strcspn(line + 3, "\n");
			if (len >= own_size)
				len = own_size - 1;
			memcpy(own, line + 3, len);
			own[len] = '\0';
		}
	}
	if (cgroup != NULL)
		fclose(cgroup);
}

static int write_pid_to(const char *procs)
{
	int fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char text[32];
	int len = snprintf(text, sizeof text, "%d\n", (int)getpid());
	ssize_t n = write(fd, text, (size_t)len);
	int saved = errno;
	close(fd);
	errno = saved;
	return n == len ? 0 : -1;
}

static int attempt_cgroup(const char *which)
{
	char root[1024], own[1024], path[2600];
	cgroup_paths(root, sizeof root, own, sizeof own);
	if (root[0] == '\0' || own[0] == '\0') {
		errno = ENOENT;
		return -1;
	}
	if (strcmp(which, "root") == 0) {
		snprintf(path, sizeof path, "%s/cgroup.procs", root);
		return write_pid_to(path);
	}
	char *slash = strrchr(own, '/');
	if (slash != NULL)
		*slash = '\0';
	if (strcmp(which, "parent") == 0) {
		snprintf(path, sizeof path, "%s%s/cgroup.procs", root, own);
		return write_pid_to(path);
	}
	if (slash != NULL)
		*slash = '/';
	snprintf(path, sizeof path, "%s%s/escape-probe", root, own);
	int rc = mkdir(path, 0755);
	if (rc == 0)
		(void)rmdir(path);
	return rc;
}

static int attempt_mount(const char *arg)
{
	(void)arg;
	return mount("tmpfs", "/mnt", "tmpfs", 0, NULL);
}

static int attempt_umount(const char *path)
{
	return umount2(path, MNT_DETACH);
}

static int attempt_unshare(const char *kind)
{
	static const struct {
		const char *name;
		int flag;
	} kinds[] = {
		{ "mnt", CLONE_NEWNS },	  { "user", CLONE_NEWUSER }, { "net", CLONE_NEWNET },
		{ "pid", CLONE_NEWPID },  { "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS },
		{ "cgroup", CLONE_NEWCGROUP },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].name, kind) == 0)
			return unshare(kinds[i].flag);
	errno = EINVAL;
	return -1;
}

static int attempt_ptrace(const char *pid_text)
{
	pid_t pid = (pid_t)atoi(pid_text);
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) != 0)
		return -1;
	(void)waitpid(pid, NULL, __WALL);
	(void)ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

static int attempt_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int attempt_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, "escape-probe\n", 13);
	int saved = errno;
	close(fd);
	errno = saved;
	return n == 13 ? 0 : -1;
}

static int attempt_list(const char *dir_path)
{
	DIR *dir = opendir(dir_path);
	if (dir == NULL)
		return -1;
	while (readdir(dir) != NULL)
		;
	closedir(dir);
	return 0;
}

static int attempt_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[256];
	ssize_t n = read(fd, buf, sizeof buf);
	int saved = errno;
	close(fd);
	errno = saved;
	return n >= 0 ? 0 : -1;
}

static int attempt_setns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = setns(fd, 0);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int attempt_chroot(const char *dir)
{
	return chroot(dir);
}

static int attempt_mknod(const char *path)
{
	int rc = mknod(path, S_IFCHR | 0600, makedev(1, 11));
	if (rc == 0)
		(void)unlink(path);
	return rc;
}

static int attempt_bpf_detach(const char *arg)
{
	(void)arg;
	char root[1024], own[1024], path[2100];
	cgroup_paths(root, sizeof root, own, sizeof own);
	snprintf(path, sizeof path, "%s%s", root, own);
	int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	union bpf_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (uint32_t)dir;
	attr.attach_type = BPF_CGROUP_DEVICE;
	int rc = (int)syscall(SYS_bpf, BPF_PROG_DETACH, &attr, sizeof attr);
	int saved = errno;
	close(dir);
	errno = saved;
	return rc;
}

static void list_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	if (dir == NULL) {
		printf("FD error %s\n", strerrorname_np(errno));
		return;
	}
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		if (entry->d_name[0] == '.' || atoi(entry->d_name) == dirfd(dir))
			continue;
		char link[300], target[512];
		snprintf(link, sizeof link, "/proc/self/fd/%s", entry->d_name);
		ssize_t n = readlink(link, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("FD %s %s\n", entry->d_name, target);
	}
	closedir(dir);
}

struct attempt {
	const char *name;
	int (*run)(const char *arg);
	const char *fixed_arg; /* passed instead of an argument from the command line */
	bool needs_arg;
};

static const struct attempt ATTEMPTS[] = {
	{ "capset", attempt_capset, NULL, false },
	{ "ambient", attempt_ambient, NULL, false },
	{ "setuid", attempt_setuid, NULL, false },
	{ "setgid", attempt_setgid, NULL, false },
	{ "cgroup-root", attempt_cgroup, "root", false },
	{ "cgroup-parent", attempt_cgroup, "parent", false },
	{ "cgroup-mkdir", attempt_cgroup, "mkdir", false },
	{ "mount", attempt_mount, NULL, false },
	{ "umount", attempt_umount, NULL, true },
	{ "unshare-mnt", attempt_unshare, "mnt", false },
	{ "unshare-user", attempt_unshare, "user", false },
	{ "unshare-net", attempt_unshare, "net", false },
	{ "unshare-pid", attempt_unshare, "pid", false },
	{ "unshare-ipc", attempt_unshare, "ipc", false },
	{ "unshare-uts", attempt_unshare, "uts", false },
	{ "unshare-cgroup", attempt_unshare, "cgroup", false },
	{ "ptrace", attempt_ptrace, NULL, true },
	{ "open", attempt_open, NULL, true },
	{ "create", attempt_create, NULL, true },
	{ "list", attempt_list, NULL, true },
	{ "read", attempt_read, NULL, true },
	{ "setns", attempt_setns, NULL, true },
	{ "chroot", attempt_chroot, NULL, true },
	{ "mknod", attempt_mknod, NULL, true },
	{ "bpf-detach", attempt_bpf_detach, NULL, false },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		char name[256];
		snprintf(name, sizeof name, "%s", argv[i]);
		char *eq = strchr(name, '=');
		const char *arg = eq != NULL ? argv[i] + (eq - name) + 1 : NULL;
		if (eq != NULL)
			*eq = '\0';
		if (strcmp(name, "fds") == 0) {
			list_fds();
			continue;
		}
		if (strcmp(name, "environ") == 0) {
			for (char **e = environ; *e != NULL; e++)
				printf("ENV %s\n", *e);
			continue;
		}
		if (strcmp(name, "cgroup") == 0) {
			char root[1024], own[1024];
			cgroup_paths(root, sizeof root, own, sizeof own);
			printf("CGROUP %s\n", own);
			continue;
		}
		const struct attempt *found = NULL;
		for (size_t k = 0; k < sizeof ATTEMPTS / sizeof ATTEMPTS[0]; k++)
			if (strcmp(ATTEMPTS[k].name, name) == 0)
				found = &ATTEMPTS[k];
		if (found == NULL || (found->needs_arg && arg == NULL)) {
			fprintf(stderr, "escape-probe: cannot use attempt \"%s\"\n", argv[i]);
			return 64;
		}
		/* The output names the attempt with its argument: "open=/dev/kmsg". */
		in_child(argv[i], found->run, found->fixed_arg != NULL ? found->fixed_arg : arg);
	}
	return 0;
}
