#include "kauditd.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "PID (COMM) STATE ..." of /proc/PID/stat; '\0' when it cannot be read. */
static char read_state(int stat_fd, char *comm, size_t comm_size)
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
	if (comm != NULL)
		snprintf(comm, comm_size, "%.*s", (int)(close - open - 1), open + 1);
	return close[2];
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
		char path[64];
		snprintf(path, sizeof path, "/proc/%lu/stat", pid);
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		char comm[32];
		if (read_state(fd, comm, sizeof comm) != '\0' && strcmp(comm, "kauditd") == 0)
			found = fd;
		else
			close(fd);
	}
	fclose(children);
	return found;
}

bool kauditd_asleep(int stat_fd)
{
	char state = read_state(stat_fd, NULL, 0);
	/* S: TASK_INTERRUPTIBLE (wait_event_freezable); I: an idle kernel thread. */
	return state == 'S' || state == 'I';
}
