/*
 * seccomp-trigger: produce real seccomp denials for the system tests.
 *
 * Installs a seccomp filter (raw classic BPF) whose action for one syscall on one
 * architecture is ERRNO(EPERM) with SECCOMP_FILTER_FLAG_LOG, or LOG; everything else is
 * allowed. Then makes that syscall (with all-zero arguments) COUNT times and prints one line:
 *
 *   pid=P arch=ARCH syscall=N action=ACTION count=C result=R errno=E
 *
 * The kernel logs each filtered call as `audit: type=1326 ... syscall=N ... code=0x...`.
 *
 * usage: seccomp-trigger [--action=errno|log] [--arch=x86_64|i386] [--syscall=N] [--count=C]
 * Defaults: errno, x86_64, getppid (110 on x86_64, 64 on i386), 1.
 * --arch=i386 makes the call through `int $0x80` (the compat entry, arch=40000003).
 */
#include <errno.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define GETPPID_X86_64 110
#define GETPPID_I386 64

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "seccomp-trigger: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (saved_errno != 0) {
		fprintf(stderr, ": %s", strerror(saved_errno));
	}
	fprintf(stderr, "\n");
	exit(1);
}

struct options {
	const char *action_name;
	unsigned int action;
	const char *arch_name;
	unsigned int audit_arch;
	long syscall_nr;
	long count;
};

static long parse_number(const char *name, const char *text, long min, long max)
{
	char *end = NULL;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
		errno = 0;
		die("cannot use %s value \"%s\": expected an integer from %ld to %ld", name, text,
		    min, max);
	}
	return value;
}

static void parse_options(int argc, char **argv, struct options *opts)
{
	opts->action_name = "errno";
	opts->action = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
	opts->arch_name = "x86_64";
	opts->audit_arch = AUDIT_ARCH_X86_64;
	opts->syscall_nr = -1;
	opts->count = 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		errno = 0;
		if (strcmp(arg, "--action=errno") == 0) {
			opts->action_name = "errno";
			opts->action = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
		} else if (strcmp(arg, "--action=log") == 0) {
			opts->action_name = "log";
			opts->action = SECCOMP_RET_LOG;
		} else if (strcmp(arg, "--arch=x86_64") == 0) {
			opts->arch_name = "x86_64";
			opts->audit_arch = AUDIT_ARCH_X86_64;
		} else if (strcmp(arg, "--arch=i386") == 0) {
			opts->arch_name = "i386";
			opts->audit_arch = AUDIT_ARCH_I386;
		} else if (strncmp(arg, "--syscall=", 10) == 0) {
			opts->syscall_nr = parse_number("--syscall", arg + 10, 0, 4095);
		} else if (strncmp(arg, "--count=", 8) == 0) {
			opts->count = parse_number("--count", arg + 8, 1, 1000000);
		} else {
			die("cannot understand argument \"%s\"; usage: seccomp-trigger "
			    "[--action=errno|log] [--arch=x86_64|i386] [--syscall=N] [--count=C]",
			    arg);
		}
	}
	if (opts->syscall_nr < 0) {
		opts->syscall_nr =
		    opts->audit_arch == AUDIT_ARCH_I386 ? GETPPID_I386 : GETPPID_X86_64;
	}
}

static void install_filter(const struct options *opts)
{
	struct sock_filter program[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, opts->audit_arch, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)opts->syscall_nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, opts->action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = {
		.len = sizeof(program) / sizeof(program[0]),
		.filter = program,
	};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		die("cannot set no_new_privs");
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &fprog) != 0) {
		die("cannot install the seccomp filter");
	}
}

/* Returns the raw kernel result: a negative errno on failure. */
static long call_i386(long nr)
{
	long ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(0L), "c"(0L), "d"(0L), "S"(0L), "D"(0L)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static long call_x86_64(long nr)
{
	long ret = syscall(nr, 0L, 0L, 0L, 0L, 0L, 0L);
	return ret == -1 ? -errno : ret;
}

int main(int argc, char **argv)
{
	struct options opts;
	parse_options(argc, argv, &opts);
	/* Asked before the filter: the filtered syscall may be getpid itself. */
	pid_t pid = getpid();
	install_filter(&opts);
	long result = 0;
	for (long i = 0; i < opts.count; i++) {
		errno = 0;
		result = opts.audit_arch == AUDIT_ARCH_I386 ? call_i386(opts.syscall_nr)
							     : call_x86_64(opts.syscall_nr);
	}
	int err = result < 0 && result > -4096 ? (int)-result : 0;
	printf("pid=%d arch=%s syscall=%ld action=%s count=%ld result=%ld errno=%d\n", (int)pid,
	       opts.arch_name, opts.syscall_nr, opts.action_name, opts.count,
	       err != 0 ? -1L : result, err);
	if (fflush(stdout) != 0) {
		die("cannot write the result");
	}
	return 0;
}
