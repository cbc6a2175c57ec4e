#include "apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

bool apparmor_enabled(void)
{
	char state = 'N';
	int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &state, 1) != 1)
			state = 'N';
		close(fd);
	}
	struct stat st;
	return state == 'Y' && stat("/sys/kernel/security/apparmor", &st) == 0 && S_ISDIR(st.st_mode);
}

/* Not reachable on a kernel without AppArmor: the spec has no apparmor-profile line there. */
void apparmor_change_onexec(const char *profile)
{
	char command[512];
	int len = snprintf(command, sizeof command, "exec %s", profile);
	if (len < 0 || (size_t)len >= sizeof command)
		die_input("cannot change to AppArmor profile %s: the name is too long", profile);
	int fd = open("/proc/self/attr/apparmor/exec", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		fd = open("/proc/self/attr/exec", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die("cannot open the AppArmor exec attribute");
	if (write(fd, command, (size_t)len) != len)
		die("cannot change to AppArmor profile %s at exec", profile);
	close(fd);
}
