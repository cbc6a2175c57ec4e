/*
 * seccomp-exec: load a compiled snap seccomp profile and exec a command under it.
 *
 * usage: seccomp-exec FILE COMMAND [ARGS...]
 *
 * FILE is a raw `.bin` (struct sock_filter[], or the text "@unrestricted\n") or a `.bin2`
 * (128-byte "SC" header, allow filter, deny filter). Like snap-confine, the deny filter is
 * loaded before the allow filter and both use SECCOMP_FILTER_FLAG_LOG. Unlike snap-confine,
 * PR_SET_NO_NEW_PRIVS is set so that an unprivileged caller can load the filters too.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HEADER_SIZE 128
#define MAX_FILTER_BYTES (32 * 1024)
#define MAX_FILE_BYTES (HEADER_SIZE + 2 * MAX_FILTER_BYTES)

struct file_header {
	char magic[2];
	uint8_t version;
	uint8_t flags;
	uint8_t padding[4];
	uint32_t allow_len;
	uint32_t deny_len;
	uint8_t reserved[112];
} __attribute__((packed));

_Static_assert(sizeof(struct file_header) == HEADER_SIZE, "header must be 128 bytes");

static void die(const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;
	va_start(ap, fmt);
	fputs("seccomp-exec: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (saved_errno != 0)
		fprintf(stderr, ": %s", strerror(saved_errno));
	fputc('\n', stderr);
	exit(1);
}

static size_t read_file(const char *path, unsigned char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die("cannot open %s", path);
	size_t total = 0;
	for (;;) {
		if (total == size) {
			errno = 0;
			die("cannot load %s: file is larger than %d bytes", path, MAX_FILE_BYTES);
		}
		ssize_t n = read(fd, buf + total, size - total);
		if (n < 0)
			die("cannot read %s", path);
		if (n == 0)
			break;
		total += (size_t)n;
	}
	close(fd);
	return total;
}

static void check_length(const char *path, const char *what, size_t len)
{
	errno = 0;
	if (len == 0 || len % sizeof(struct sock_filter) != 0 || len > MAX_FILTER_BYTES)
		die("cannot load %s: %s filter length %zu is not a positive multiple of %zu up to %d",
		    path, what, len, sizeof(struct sock_filter), MAX_FILTER_BYTES);
}

static void load_filter(const char *path, const char *what, unsigned char *bytes, size_t len)
{
	check_length(path, what, len);
	struct sock_fprog prog = {
		.len = (unsigned short)(len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)bytes,
	};
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &prog) != 0)
		die("cannot load the %s filter of %s", what, path);
}

static unsigned char file_buf[MAX_FILE_BYTES] __attribute__((aligned(8)));

int main(int argc, char **argv)
{
	if (argc < 3) {
		errno = 0;
		die("usage: seccomp-exec FILE COMMAND [ARGS...]");
	}
	const char *path = argv[1];
	size_t size = read_file(path, file_buf, sizeof file_buf);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die("cannot set no_new_privs");

	static const char unrestricted[] = "@unrestricted\n";
	if (size == sizeof unrestricted - 1 && memcmp(file_buf, unrestricted, size) == 0) {
		/* nothing to load */
	} else if (size >= 2 && file_buf[0] == 'S' && file_buf[1] == 'C') {
		struct file_header hdr;
		errno = 0;
		if (size < HEADER_SIZE)
			die("cannot load %s: file is shorter than its header", path);
		memcpy(&hdr, file_buf, sizeof hdr);
		if (hdr.version != 1)
			die("cannot load %s: unsupported version %u", path, hdr.version);
		if (size != HEADER_SIZE + (size_t)hdr.allow_len + hdr.deny_len)
			die("cannot load %s: size %zu does not match its header", path, size);
		if (!(hdr.flags & 1)) {
			load_filter(path, "deny", file_buf + HEADER_SIZE + hdr.allow_len, hdr.deny_len);
			load_filter(path, "allow", file_buf + HEADER_SIZE, hdr.allow_len);
		}
	} else {
		load_filter(path, "raw", file_buf, size);
	}
	execv(argv[2], argv + 2);
	die("cannot execute %s", argv[2]);
	return 1;
}
