/*
 * spec-fuzz: feeds spec files to the launcher's own spec parser (native/launcher/spec.c, linked
 * in) and its security tag check, one forked child per file, since a refusal exits.
 *
 *   spec-fuzz FILE...   prints "FILE accepted" or "FILE refused STATUS" (or "FILE signal N")
 *
 * A refusal is the parser's own one line on stderr. Built also under AddressSanitizer and
 * UndefinedBehaviorSanitizer by `make -C native sanitize`, whose reports go to stderr too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spec.h"
#include "util.h"

static void parse_one(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die("cannot open spec %s", path);
	struct spec spec;
	spec_read(fd, path, &spec);
	close(fd);
	char instance[128];
	validate_security_tag(spec.tag, instance, sizeof instance);
	exit(0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0)
			die("cannot fork");
		if (pid == 0)
			parse_one(argv[i]);
		int status;
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				die("cannot wait for the parser");
		if (WIFSIGNALED(status))
			printf("%s signal %d\n", argv[i], WTERMSIG(status));
		else if (WEXITSTATUS(status) == 0)
			printf("%s accepted\n", argv[i]);
		else
			printf("%s refused %d\n", argv[i], WEXITSTATUS(status));
	}
	return 0;
}
