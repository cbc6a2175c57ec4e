/*
 * load-seccomp: a paced stream of real seccomp denials, for the load test and bench/load.mjs.
 *
 * Installs a seccomp filter (raw classic BPF) that answers two x86_64 syscalls with
 * ERRNO(EPERM) under SECCOMP_FILTER_FLAG_LOG and allows everything else, so the kernel writes
 * one `audit: type=1326 ...` record per call while the calls themselves never run. Then calls
 * the load syscall RATE times a second for SECONDS seconds, catching up every millisecond
 * against the monotonic clock, and the marker syscall once every MARKER_MS milliseconds until
 * the load is done. The kernel makes a denied caller wait while its audit backlog is full, so
 * the achieved rate (emitted / elapsed) is part of the result.
 * A call that does not fail with EPERM was not denied: that is fatal.
 *
 * Standard output, one line each, flushed at once:
 *   marker n=N at_ms=REALTIME_MS            after marker N (1-based) was denied
 *   progress second=S emitted=N             every second: load denials so far
 *   done pid=P emitted=N markers=M elapsed_ms=E
 *
 * usage: load-seccomp [--rate=N] [--seconds=S] [--syscall=N] [--marker-syscall=N] [--marker-ms=N]
 * Defaults: 10000 a second for 60 s, uselib (134) for the load and ustat (136) for the
 * markers (obsolete calls nothing else here makes), a marker every 1000 ms.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_MSEC 1000000LL
#define TICK_NSEC NSEC_PER_MSEC

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "load-seccomp: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (saved_errno != 0) {
		fprintf(stderr, ": %s", strerror(saved_errno));
	}
	fprintf(stderr, "\n");
	exit(1);
}

struct options {
	long rate;
	long seconds;
	long load_syscall;
	long marker_syscall;
	long marker_ms;
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

static int option_value(const char *arg, const char *name, const char **value)
{
	size_t length = strlen(name);
	if (strncmp(arg, name, length) != 0 || arg[length] != '=') {
		return 0;
	}
	*value = arg + length + 1;
	return 1;
}

static void parse_options(int argc, char **argv, struct options *opts)
{
	opts->rate = 10000;
	opts->seconds = 60;
	opts->load_syscall = 134;
	opts->marker_syscall = 136;
	opts->marker_ms = 1000;
	for (int i = 1; i < argc; i++) {
		const char *value = NULL;
		errno = 0;
		if (option_value(argv[i], "--rate", &value)) {
			opts->rate = parse_number("--rate", value, 1, 1000000);
		} else if (option_value(argv[i], "--seconds", &value)) {
			opts->seconds = parse_number("--seconds", value, 1, 86400);
		} else if (option_value(argv[i], "--syscall", &value)) {
			opts->load_syscall = parse_number("--syscall", value, 0, 4095);
		} else if (option_value(argv[i], "--marker-syscall", &value)) {
			opts->marker_syscall = parse_number("--marker-syscall", value, 0, 4095);
		} else if (option_value(argv[i], "--marker-ms", &value)) {
			opts->marker_ms = parse_number("--marker-ms", value, 1, 3600000);
		} else {
			die("cannot understand argument \"%s\"; usage: load-seccomp [--rate=N] "
			    "[--seconds=S] [--syscall=N] [--marker-syscall=N] [--marker-ms=N]",
			    argv[i]);
		}
	}
	if (opts->load_syscall == opts->marker_syscall) {
		die("cannot use syscall %ld for both the load and the markers", opts->load_syscall);
	}
}

static void install_filter(const struct options *opts)
{
	const unsigned int denied = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
	struct sock_filter program[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)opts->load_syscall, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)opts->marker_syscall, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, denied),
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

static int64_t now_ns(clockid_t clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts) != 0) {
		die("cannot read the clock");
	}
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void sleep_until(int64_t deadline_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ns / NSEC_PER_SEC),
		.tv_nsec = (long)(deadline_ns % NSEC_PER_SEC),
	};
	int err;
	while ((err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)) == EINTR) {
	}
	if (err != 0) {
		errno = err;
		die("cannot sleep");
	}
}

static void call_denied(long nr)
{
	errno = 0;
	long result = syscall(nr, 0L, 0L, 0L, 0L, 0L, 0L);
	if (result != -1 || errno != EPERM) {
		die("syscall %ld was not denied (result %ld)", nr, result);
	}
}

static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fflush(stdout) != 0) {
		die("cannot write to standard output");
	}
}

struct run {
	const struct options *opts;
	int64_t start;
	long long total;
	long long emitted;
	long markers;
	int64_t next_marker;
};

/* A marker is due every MARKER_MS while load remains, also while the load catches up. */
static void marker_if_due(struct run *run)
{
	if (run->emitted >= run->total || now_ns(CLOCK_MONOTONIC) < run->next_marker) {
		return;
	}
	call_denied(run->opts->marker_syscall);
	run->markers++;
	say("marker n=%ld at_ms=%lld\n", run->markers,
	    (long long)(now_ns(CLOCK_REALTIME) / NSEC_PER_MSEC));
	run->next_marker += run->opts->marker_ms * NSEC_PER_MSEC;
}

int main(int argc, char **argv)
{
	struct options opts;
	parse_options(argc, argv, &opts);
	pid_t pid = getpid();
	install_filter(&opts);

	const int64_t duration = (int64_t)opts.seconds * NSEC_PER_SEC;
	struct run run = {
		.opts = &opts,
		.start = now_ns(CLOCK_MONOTONIC),
		.total = (long long)opts.rate * opts.seconds,
	};
	run.next_marker = run.start + opts.marker_ms * NSEC_PER_MSEC;
	long reported_second = 0;
	for (int64_t tick = run.start;; tick += TICK_NSEC) {
		int64_t elapsed = now_ns(CLOCK_MONOTONIC) - run.start;
		long long due = elapsed >= duration
					? run.total
					: (long long)((__int128)opts.rate * elapsed / NSEC_PER_SEC);
		while (run.emitted < due) {
			call_denied(opts.load_syscall);
			run.emitted++;
			if ((run.emitted & 63) == 0) {
				marker_if_due(&run);
			}
		}
		marker_if_due(&run);
		int64_t now = now_ns(CLOCK_MONOTONIC);
		long second = (long)((now - run.start) / NSEC_PER_SEC);
		if (second > reported_second && run.emitted < run.total) {
			reported_second = second;
			say("progress second=%ld emitted=%lld\n", second, run.emitted);
		}
		if (run.emitted >= run.total) {
			break;
		}
		if (tick + TICK_NSEC > now) {
			sleep_until(tick + TICK_NSEC);
		} else {
			tick = now - TICK_NSEC;
		}
	}
	const int64_t elapsed_ms = (now_ns(CLOCK_MONOTONIC) - run.start) / NSEC_PER_MSEC;
	say("done pid=%d emitted=%lld markers=%ld elapsed_ms=%lld\n", (int)pid, run.emitted,
	    run.markers, (long long)elapsed_ms);
	return 0;
}
