/*
 * The app inside the test snaps. Each argument is one probe; each probe prints one line:
 *   env NAME           -> "env NAME=VALUE" or "env NAME unset"
 *   ids                -> "ids uid=U gid=G groups=A,B capeff=HEX capprm=HEX capinh=HEX capamb=HEX nnp=N"
 *   open PATH r|w      -> "open PATH ok" or "open PATH errno=NAME"
 *   write DIR          -> creates DIR/snap-app-probe: "write DIR ok" or "write DIR errno=NAME"
 *   read PATH          -> "read PATH ok BYTES" or "read PATH errno=NAME"
 *   ioprio             -> ioprio_set(own process, best effort 4), outside the default seccomp
 *                         template: "ioprio ok" or "ioprio errno=NAME"
 *   pid                -> "pid N"
 *   ns                 -> "ns mnt:[INODE]", the mount namespace
 *   sleep N            -> sleeps N seconds (to be killed)
 *   exit N             -> exits with N at once
 * Exit status 0 unless "exit" says otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EROFS: return "EROFS";
	case ENOENT: return "ENOENT";
	case ENXIO: return "ENXIO";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	default: return "OTHER";
	}
}

static void print_status_ids(void)
{
	FILE *status = fopen("/proc/self/status", "re");
	if (status == NULL) {
		printf("ids errno=%s\n", errno_name(errno));
		return;
	}
	char line[512], uid[64] = "", gid[64] = "", groups[256] = "", eff[32] = "", prm[32] = "", inh[32] = "",
			    amb[32] = "", nnp[8] = "";
	while (fgets(line, sizeof line, status) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		char *value = strchr(line, ':');
		if (value == NULL)
			continue;
		*value++ = '\0';
		value += strspn(value, " \t");
		if (strcmp(line, "Uid") == 0)
			sscanf(value, "%63s", uid);
		else if (strcmp(line, "Gid") == 0)
			sscanf(value, "%63s", gid);
		else if (strcmp(line, "Groups") == 0)
			snprintf(groups, sizeof groups, "%s", value);
		else if (strcmp(line, "CapEff") == 0)
			snprintf(eff, sizeof eff, "%s", value);
		else if (strcmp(line, "CapPrm") == 0)
			snprintf(prm, sizeof prm, "%s", value);
		else if (strcmp(line, "CapInh") == 0)
			snprintf(inh, sizeof inh, "%s", value);
		else if (strcmp(line, "CapAmb") == 0)
			snprintf(amb, sizeof amb, "%s", value);
		else if (strcmp(line, "NoNewPrivs") == 0)
			snprintf(nnp, sizeof nnp, "%s", value);
	}
	fclose(status);
	for (char *p = groups; *p; p++)
		if (*p == ' ')
			*p = ',';
	size_t len = strlen(groups);
	if (len > 0 && groups[len - 1] == ',')
		groups[len - 1] = '\0';
	printf("ids uid=%s gid=%s groups=%s capeff=%s capprm=%s capinh=%s capamb=%s nnp=%s\n", uid, gid, groups,
	       eff, prm, inh, amb, nnp);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *probe = argv[i];
		const char *arg = i + 1 < argc ? argv[i + 1] : "";
		if (strcmp(probe, "env") == 0) {
			const char *value = getenv(arg);
			if (value)
				printf("env %s=%s\n", arg, value);
			else
				printf("env %s unset\n", arg);
			i++;
		} else if (strcmp(probe, "ids") == 0) {
			print_status_ids();
		} else if (strcmp(probe, "open") == 0) {
			const char *mode = i + 2 < argc ? argv[i + 2] : "r";
			int fd = open(arg, (strcmp(mode, "w") == 0 ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
			if (fd >= 0) {
				printf("open %s ok\n", arg);
				close(fd);
			} else {
				printf("open %s errno=%s\n", arg, errno_name(errno));
			}
			i += 2;
		} else if (strcmp(probe, "write") == 0) {
			char path[4096];
			snprintf(path, sizeof path, "%s/snap-app-probe", arg);
			int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			if (fd >= 0 && write(fd, "probe\n", 6) == 6) {
				printf("write %s ok\n", arg);
			} else {
				printf("write %s errno=%s\n", arg, errno_name(errno));
			}
			if (fd >= 0)
				close(fd);
			i++;
		} else if (strcmp(probe, "read") == 0) {
			char buf[4096];
			int fd = open(arg, O_RDONLY | O_CLOEXEC);
			ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
			if (n >= 0)
				printf("read %s ok %zd\n", arg, n);
			else
				printf("read %s errno=%s\n", arg, errno_name(errno));
			if (fd >= 0)
				close(fd);
			i++;
		} else if (strcmp(probe, "ioprio") == 0) {
			/* IOPRIO_WHO_PROCESS = 1, class best effort (2) << 13 | level 4 */
			long rc = syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 4);
			if (rc == 0)
				printf("ioprio ok\n");
			else
				printf("ioprio errno=%s\n", errno_name(errno));
		} else if (strcmp(probe, "ns") == 0) {
			char link[64] = "";
			ssize_t n = readlink("/proc/self/ns/mnt", link, sizeof link - 1);
			printf("ns %s\n", n > 0 ? link : "unknown");
		} else if (strcmp(probe, "pid") == 0) {
			printf("pid %d\n", (int)getpid());
		} else if (strcmp(probe, "sleep") == 0) {
			sleep((unsigned)atoi(arg));
			i++;
		} else if (strcmp(probe, "exit") == 0) {
			return atoi(arg);
		} else {
			fprintf(stderr, "snap-app: unknown probe %s\n", probe);
			return 64;
		}
	}
	return 0;
}
