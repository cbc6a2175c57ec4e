/*
 * syscall-probe: make one syscall with the given arguments and print what happened.
 *
 * usage: syscall-probe [--i386] NR [ARG0 ... ARG5]
 *
 * Numbers are decimal or 0x-prefixed hex. With --i386 the call goes through `int $0x80`, the
 * 32-bit compat entry of an x86-64 kernel (seccomp sees arch 40000003 and the i386 number).
 * Prints one line: `pid=P nr=N result=R errno=E`.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("syscall-probe: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static unsigned long parse_number(const char *text)
{
	char *end = NULL;
	errno = 0;
	unsigned long value = strtoul(text, &end, 0);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-')
		die("cannot parse number \"%s\"", text);
	return value;
}

#if defined(__x86_64__)
static long call_i386(unsigned long nr, const unsigned long *a)
{
	long ret;
	/* The compat entry takes eax and ebx, ecx, edx, esi, edi, ebp and returns -errno. */
	__asm__ volatile("push %%rbp\n\t"
			 "mov 40(%7), %%rbp\n\t"
			 "int $0x80\n\t"
			 "pop %%rbp"
			 : "=a"(ret)
			 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]), "r"(a)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}
#endif

int main(int argc, char **argv)
{
	int first = 1;
	int i386 = 0;
	if (argc > 1 && strcmp(argv[1], "--i386") == 0) {
		i386 = 1;
		first = 2;
	}
	if (argc <= first || argc > first + 7)
		die("usage: syscall-probe [--i386] NR [ARG0 ... ARG5]");
	unsigned long nr = parse_number(argv[first]);
	unsigned long args[6] = { 0 };
	for (int i = first + 1; i < argc; i++)
		args[i - first - 1] = parse_number(argv[i]);

	long result;
	int err = 0;
	if (i386) {
#if defined(__x86_64__)
		result = call_i386(nr, args);
		if (result < 0 && result > -4096) {
			err = (int)-result;
			result = -1;
		}
#else
		die("cannot use --i386: not an x86-64 build");
#endif
	} else {
		errno = 0;
		result = syscall((long)nr, args[0], args[1], args[2], args[3], args[4], args[5]);
		err = result == -1 ? errno : 0;
	}
	printf("pid=%d nr=%lu result=%ld errno=%d\n", getpid(), nr, result, err);
	return 0;
}
