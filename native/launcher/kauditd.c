#include "kauditd.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where the pid found last is kept: finding it takes a look at every kernel thread's name. */
#define KAUDITD_PID_FILE "/run/snappy-debug/kauditd.pid"

/* Splits "PID (COMM) STATE PPID ..." of /proc/PID/stat; false when it cannot be read. */
static bool read_stat(int stat_fd, char *comm, size_t comm_size, char *state, unsigned long *ppid)
{
	char stat[256];
	ssize_t n = pread(stat_fd, stat, sizeof stat - 1, 0);
	if (n <= 0)
		return false;
	stat[n] = '\0';
	char *open = strchr(stat, '(');
	char *close = strrchr(stat, ')');
	if (open == NULL || close == NULL || close < open || close[1] != ' ' || close[2] == '\0')
		return false;
	snprintf(comm, comm_size, "%.*s", (int)(close - open - 1), open + 1);
	*state = close[2];
	char *end;
	*ppid = strtoul(close + 3, &end, 10);
	return end != close + 3;
}

/*
 * /proc/PID/stat of PID when it is the kauditd kernel thread: named so, and a child of kthreadd
 * (pid 2), whose children are all kernel threads (and there is one kauditd); else -1.
 */
static int open_if_kauditd(unsigned long pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%lu/stat", pid);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char comm[32], state;
	unsigned long ppid;
	if (read_stat(fd, comm, sizeof comm, &state, &ppid) && ppid == 2 && strcmp(comm, "kauditd") == 0)
		return fd;
	close(fd);
	return -1;
}

/* The name of the task in /proc/PID/comm (much cheaper to read than its stat). */
static bool has_name(unsigned long pid, const char *name)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%lu/comm", pid);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	char comm[32];
	ssize_t n = read(fd, comm, sizeof comm - 1);
	close(fd);
	if (n <= 0)
		return false;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, name) == 0;
}

static unsigned long remembered_pid(void)
{
	int fd = open(KAUDITD_PID_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char text[32];
	ssize_t n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	return strtoul(text, NULL, 10);
}

static void remember_pid(unsigned long pid)
{
	int fd = open(KAUDITD_PID_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	char text[32];
	int n = snprintf(text, sizeof text, "%lu\n", pid);
	(void)!write(fd, text, (size_t)n);
	close(fd);
}

int kauditd_open(void)
{
	unsigned long pid = remembered_pid();
	int found = pid > 2 ? open_if_kauditd(pid) : -1;
	if (found >= 0)
		return found;
	/* Kernel threads are the children of kthreadd (pid 2); kauditd starts early, near the front. */
	FILE *children = fopen("/proc/2/task/2/children", "re");
	if (children == NULL)
		return -1;
	while (found < 0 && fscanf(children, "%lu", &pid) == 1) {
		if (has_name(pid, "kauditd"))
			found = open_if_kauditd(pid);
	}
	fclose(children);
	if (found >= 0)
		remember_pid(pid);
	return found;
}

bool kauditd_asleep(int stat_fd)
{
	char comm[32], state;
	unsigned long ppid;
	if (!read_stat(stat_fd, comm, sizeof comm, &state, &ppid))
		return false;
	/* S: TASK_INTERRUPTIBLE (wait_event_freezable); I: an idle kernel thread. */
	return state == 'S' || state == 'I';
}
