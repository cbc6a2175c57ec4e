#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool skip_exit_handlers;

void die_with_exit_handlers_skipped(void)
{
	skip_exit_handlers = true;
}

__attribute__((noreturn)) static void end_process(void)
{
	if (skip_exit_handlers)
		_exit(1);
	exit(1);
}

static void vreport(const char *fmt, va_list ap, int err)
{
	char message[1024];
	vsnprintf(message, sizeof message, fmt, ap);
	if (err != 0)
		fprintf(stderr, "snappy-debug-confine: %s: %s\n", message, strerror(err));
	else
		fprintf(stderr, "snappy-debug-confine: %s\n", message);
	fflush(stderr);
}

void die(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap, saved);
	va_end(ap);
	errno = saved;
	end_process();
}

void die_input(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap, 0);
	va_end(ap);
	end_process();
}

int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)len ? 0 : -1;
}

bool parse_uint(const char *text, unsigned long max, unsigned long *out)
{
	if (text == NULL || *text < '0' || *text > '9')
		return false;
	if (text[0] == '0' && text[1] != '\0')
		return false;
	errno = 0;
	char *end = NULL;
	unsigned long value = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || value > max)
		return false;
	*out = value;
	return true;
}

/*
 * The whole path already there, directories all the way and no symlink on the way: what the
 * component walk below would find, leaving everything as it is (it only creates what is missing).
 * Most runs find all their directories made by an earlier one: one call instead of three a component.
 */
static bool is_directory_without_symlinks(const char *path)
{
	struct open_how how;
	memset(&how, 0, sizeof how);
	how.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
	if (fd < 0)
		return false; /* missing, not a directory, a symlink on the way, or no openat2: walk it */
	close(fd);
	return true;
}

void make_dirs(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	if (path[0] != '/')
		die_input("cannot create directory \"%s\": not an absolute path", path);
	char copy[PATH_MAX];
	if (strlen(path) >= sizeof copy)
		die_input("cannot create directory \"%s\": path too long", path);
	strcpy(copy, path);
	char *save = NULL;
	for (char *part = strtok_r(copy + 1, "/", &save); part != NULL; part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0)
			die_input("cannot create directory \"%s\": it has a . or .. component", path);
	}
	if (is_directory_without_symlinks(path))
		return;
	strcpy(copy, path);
	int dir = open("/", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		die("cannot open /");
	for (char *part = strtok_r(copy + 1, "/", &save); part != NULL; part = strtok_r(NULL, "/", &save)) {
		bool created = mkdirat(dir, part, mode) == 0;
		if (!created && errno != EEXIST)
			die("cannot create directory \"%s\" (component \"%s\")", path, part);
		int next = openat(dir, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			die("cannot open directory \"%s\" (component \"%s\")", path, part);
		if (created) {
			if (fchownat(next, "", uid, gid, AT_EMPTY_PATH) != 0)
				die("cannot chown directory \"%s\"", path);
			/* mkdir applies the umask; the mode asked for is the one meant. */
			char proc[64];
			snprintf(proc, sizeof proc, "/proc/self/fd/%d", next);
			if (chmod(proc, mode) != 0)
				die("cannot chmod directory \"%s\"", path);
		}
		close(dir);
		dir = next;
	}
	close(dir);
}
