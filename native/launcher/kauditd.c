#include "kauditd.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* STATE of "PID (COMM) STATE ..." in /proc/PID/stat; '\0' when it cannot be read. */
static char read_state(int stat_fd)
{
	char stat[256];
	ssize_t n = pread(stat_fd, stat, sizeof stat - 1, 0);
	if (n <= 0)
		return '\0';
	stat[n] = '\0';
	char *open = strchr(stat, '(');
	char *close = strrchr(stat, ')');
	if (open == NULL || close == NULL || close < open || close[1] != ' ')
		return '\0';
	return close[2];
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

int kauditd_open(void)
{
	/* Kernel threads are the children of kthreadd (pid 2); kauditd starts early, near the front. */
	FILE *children = fopen("/proc/2/task/2/children", "re");
	if (children == NULL)
		return -1;
	int found = -1;
	unsigned long pid;
	while (found < 0 && fscanf(children, "%lu", &pid) == 1) {
		if (!has_name(pid, "kauditd"))
			continue;
		char path[64];
		snprintf(path, sizeof path, "/proc/%lu/stat", pid);
		found = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	fclose(children);
	return found;
}

bool kauditd_asleep(int stat_fd)
{
	char state = read_state(stat_fd);
	/* S: TASK_INTERRUPTIBLE (wait_event_freezable); I: an idle kernel thread. */
	return state == 'S' || state == 'I';
}
