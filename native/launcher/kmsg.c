#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

int kmsg_open_at_end(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || lseek(fd, 0, SEEK_END) < 0) {
		report_note("cannot read /dev/kmsg (%s): seccomp records of this run are not shown", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int belongs_to_run(const char *message, pid_t app_pid, const char *snap_dir)
{
	if (strstr(message, "type=1326") == NULL)
		return 0;
	char pid_field[32];
	snprintf(pid_field, sizeof pid_field, " pid=%d ", (int)app_pid);
	char exe_field[4200];
	snprintf(exe_field, sizeof exe_field, " exe=\"%s/", snap_dir);
	return strstr(message, pid_field) != NULL || strstr(message, exe_field) != NULL;
}

void kmsg_forward(int fd, pid_t app_pid, const char *snap_dir)
{
	if (fd < 0)
		return;
	char record[8192];
	for (;;) {
		ssize_t n = read(fd, record, sizeof record - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* overwritten records: skip to the next one */
		if (n <= 0)
			return;
		record[n] = '\0';
		/* "PRIORITY,SEQ,USEC,FLAGS;MESSAGE\n" then continuation lines */
		char *message = strchr(record, ';');
		if (message == NULL)
			continue;
		message++;
		message[strcspn(message, "\n")] = '\0';
		if (belongs_to_run(message, app_pid, snap_dir))
			report_line(message);
	}
}
