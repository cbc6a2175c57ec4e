#include "leftovers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* The launcher's pid in "TAG-PID-N.scope"; 0 when the name is not one of ours. */
static pid_t launcher_pid(const char *name)
{
	size_t len = strlen(name);
	static const char SUFFIX[] = ".scope";
	if (len < sizeof SUFFIX || strcmp(name + len - (sizeof SUFFIX - 1), SUFFIX) != 0)
		return 0;
	char copy[256];
	if (len >= sizeof copy)
		return 0;
	memcpy(copy, name, len - (sizeof SUFFIX - 1));
	copy[len - (sizeof SUFFIX - 1)] = '\0';
	char *last = strrchr(copy, '-');
	if (last == NULL)
		return 0;
	*last = '\0';
	char *pid_text = strrchr(copy, '-');
	unsigned long pid;
	if (pid_text == NULL || !parse_uint(pid_text + 1, 1u << 22, &pid))
		return 0;
	return (pid_t)pid;
}

void remove_stale_cgroups(const char *parent)
{
	int dir_fd = open(parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir_fd < 0)
		return;
	DIR *dir = fdopendir(dir_fd);
	if (dir == NULL) {
		close(dir_fd);
		return;
	}
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL) {
		if (entry->d_type != DT_DIR)
			continue;
		pid_t pid = launcher_pid(entry->d_name);
		if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		(void)unlinkat(dirfd(dir), entry->d_name, AT_REMOVEDIR);
	}
	closedir(dir);
}
