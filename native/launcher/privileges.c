#include "privileges.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define BIN2_HEADER_SIZE 128
#define MAX_FILTER_BYTES (32 * 1024)

static void take_program(struct sock_fprog *prog, const uint8_t *bytes, uint32_t length)
{
	prog->len = (unsigned short)(length / sizeof(struct sock_filter));
	prog->filter = NULL;
	if (length == 0)
		return;
	prog->filter = malloc(length);
	if (prog->filter == NULL)
		die("cannot allocate memory for a seccomp filter");
	memcpy(prog->filter, bytes, length);
}

void seccomp_read(const char *path, struct seccomp_profile *profile)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die("cannot open seccomp profile %s", path);
	struct stat st;
	if (fstat(fd, &st) != 0)
		die("cannot inspect seccomp profile %s", path);
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) != 0)
		die_input("cannot use seccomp profile %s: it must be a regular file owned by root and "
			  "writable by no one else",
			  path);
	static uint8_t bytes[BIN2_HEADER_SIZE + 2 * MAX_FILTER_BYTES + 1];
	size_t used = 0;
	ssize_t n;
	while ((n = read(fd, bytes + used, sizeof bytes - used)) > 0)
		used += (size_t)n;
	if (n < 0)
		die("cannot read seccomp profile %s", path);
	close(fd);
	uint32_t allow_len, deny_len;
	if (used < BIN2_HEADER_SIZE || bytes[0] != 'S' || bytes[1] != 'C' || bytes[2] != 1)
		die_input("cannot use seccomp profile %s: no version 1 .bin2 header", path);
	memcpy(&allow_len, bytes + 8, 4);
	memcpy(&deny_len, bytes + 12, 4);
	if (allow_len > MAX_FILTER_BYTES || deny_len > MAX_FILTER_BYTES || allow_len % 8 != 0 ||
	    deny_len % 8 != 0 || used != BIN2_HEADER_SIZE + (size_t)allow_len + deny_len)
		die_input("cannot use seccomp profile %s: filter lengths do not match the file", path);
	profile->unrestricted = bytes[3] & 1;
	if (!profile->unrestricted && allow_len == 0)
		die_input("cannot use seccomp profile %s: the allow filter is empty", path);
	take_program(&profile->allow, bytes + BIN2_HEADER_SIZE, allow_len);
	take_program(&profile->deny, bytes + BIN2_HEADER_SIZE + allow_len, deny_len);
}

void seccomp_free(struct seccomp_profile *profile)
{
	free(profile->allow.filter);
	free(profile->deny.filter);
	memset(profile, 0, sizeof *profile);
}

static void clear_capabilities(void)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
			die("cannot drop capability %d from the bounding set", cap);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		die("cannot clear the ambient capabilities");
}

void drop_privileges(const struct spec *spec)
{
	clear_capabilities();
	if (setgroups(spec->n_groups, spec->groups) != 0)
		die("cannot set the supplementary groups");
	if (setresgid(spec->gid, spec->gid, spec->gid) != 0)
		die("cannot set gid %u", (unsigned)spec->gid);
	if (setresuid(spec->uid, spec->uid, spec->uid) != 0)
		die("cannot set uid %u", (unsigned)spec->uid);
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0)
		die("cannot read back the uid and gid");
	if (ruid != spec->uid || euid != spec->uid || suid != spec->uid || rgid != spec->gid ||
	    egid != spec->gid || sgid != spec->gid) {
		errno = EPERM;
		die("cannot verify the drop to uid %u gid %u", (unsigned)spec->uid, (unsigned)spec->gid);
	}
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	if (syscall(SYS_capset, &header, data) != 0)
		die("cannot clear the capability sets");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die("cannot set no_new_privs");
}

static void load_one(const struct sock_fprog *prog, const char *which)
{
	if (prog->len == 0)
		return;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, prog) != 0)
		die("cannot apply the seccomp %s filter", which);
}

void seccomp_load(const struct seccomp_profile *profile)
{
	if (profile->unrestricted)
		return;
	load_one(&profile->deny, "deny");
	load_one(&profile->allow, "allow");
}
