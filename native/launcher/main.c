/*
 * snappy-debug-confine: runs one app of a snap in a sandbox like snap-confine's.
 * See README.md for the command line, the spec file and the order of the steps.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apparmor.h"
#include "cgroup-guard.h"
#include "devcgroup.h"
#include "kauditd.h"
#include "kmsg.h"
#include "layouts.h"
#include "shared-ns.h"
#include "privileges.h"
#include "report.h"
#include "sandbox.h"
#include "spec.h"
#include "util.h"

struct options {
	bool devmode;
	bool classic;
	const char *base;
	const char *spec_path;
	int spec_fd;
	int report_fd;
	const char *tag;
	char **command;
};

static const char USAGE[] = "usage: snappy-debug-confine [--classic] [--base BASE] [--devmode] "
			    "(--spec FILE | --spec-fd N) [--report-fd N] SECURITY_TAG COMMAND [ARGS...]";

static int parse_fd(const char *option, const char *value)
{
	unsigned long fd;
	if (!parse_uint(value, 1u << 20, &fd))
		die_input("cannot use %s \"%s\": not a descriptor number", option, value ? value : "");
	if (fcntl((int)fd, F_GETFD) < 0)
		die("cannot use %s %lu", option, fd);
	return (int)fd;
}

static void parse_options(int argc, char **argv, struct options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->spec_fd = -1;
	opts->report_fd = 2;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(arg, "--devmode") == 0) {
			opts->devmode = true;
		} else if (strcmp(arg, "--classic") == 0) {
			opts->classic = true;
		} else if (strcmp(arg, "--base") == 0 && next != NULL) {
			opts->base = argv[++i];
		} else if (strcmp(arg, "--spec") == 0 && next != NULL) {
			opts->spec_path = argv[++i];
		} else if (strcmp(arg, "--spec-fd") == 0) {
			opts->spec_fd = parse_fd(arg, next);
			i++;
		} else if (strcmp(arg, "--report-fd") == 0) {
			opts->report_fd = parse_fd(arg, next);
			i++;
		} else {
			die_input("cannot use option \"%s\"\n%s", arg, USAGE);
		}
	}
	if (argc - i < 2)
		die_input("cannot run: a security tag and a command are needed\n%s", USAGE);
	if ((opts->spec_path == NULL) == (opts->spec_fd < 0))
		die_input("cannot run: exactly one of --spec and --spec-fd is needed\n%s", USAGE);
	opts->tag = argv[i];
	opts->command = argv + i + 1;
}

static void note_apparmor(const struct options *opts, const struct spec *spec)
{
	bool enabled = apparmor_enabled();
	if (spec->apparmor_profile == NULL) {
		if (enabled)
			report_note("AppArmor is enabled, but no profile was loaded for this run: "
				    "the app runs without an AppArmor profile");
		else
			report_note("AppArmor is not available on this system: the app runs without an AppArmor profile");
		return;
	}
	if (strcmp(spec->apparmor_profile, opts->tag) != 0)
		die_input("cannot run %s: the AppArmor profile \"%s\" is not its security tag", opts->tag,
			  spec->apparmor_profile);
	if (!enabled)
		die_input("cannot run %s: the spec names AppArmor profile %s, but AppArmor is not available",
			  opts->tag, spec->apparmor_profile);
	report_note("AppArmor profile %s applies from exec (%s)", spec->apparmor_profile,
		    opts->devmode ? "complain" : "enforce");
}

static pid_t supervisor_pid;

/* Returns once the supervisor has attached the device program; ends the child if it never will. */
static void wait_for_device_cgroup(int attached)
{
	char byte;
	ssize_t n;
	while ((n = read(attached, &byte, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		_exit(1); /* the supervisor failed (and said why) or was killed */
	close(attached);
}

/* The child: every step in order, then exec. Never returns. */
static void become_app(const struct options *opts, const struct spec *spec, const char *instance,
		       const struct devcgroup *cg, bool in_cgroup, const char *loop_device, int join_fd,
		       const struct seccomp_profile *profile, int attached)
{
	die_with_exit_handlers_skipped();
	/* First: the cgroup hierarchies are read-only once the namespace is set up. */
	if (!in_cgroup)
		devcgroup_join(cg);
	if (join_fd >= 0) {
		if (setns(join_fd, CLONE_NEWNS) != 0)
			die("cannot join the mount namespace of %s", instance);
	} else {
		enter_mount_namespace();
		mount_snap(spec, loop_device);
		if (spec->base_root != NULL)
			pivot_into_base(spec->base_root, opts->base);
		apply_layouts(spec);
		setup_private_tmp(instance);
		setup_devpts();
		make_cgroups_read_only();
	}
	for (size_t i = 0; i < spec->n_root_dirs; i++)
		make_dirs(spec->root_dirs[i].path, spec->root_dirs[i].mode, 0, 0);
	for (size_t i = 0; i < spec->n_remaps && join_fd < 0; i++) {
		make_dirs(spec->remaps[i].target, 0755, 0, 0);
		if (mount(spec->remaps[i].source, spec->remaps[i].target, NULL, MS_BIND | MS_REC, NULL) != 0)
			die("cannot bind %s on %s", spec->remaps[i].source, spec->remaps[i].target);
	}
	drop_privileges(spec);
	/*
	 * The app dies with its launcher, as it would with snap-confine (which becomes the app). Set
	 * after the drop: a change of credentials clears it.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		die("cannot tie the app to the life of its launcher");
	if (getppid() != supervisor_pid)
		die_input("cannot run %s: its launcher has gone", spec->tag);
	umask(022);
	for (size_t i = 0; i < spec->n_user_dirs; i++)
		make_dirs(spec->user_dirs[i].path, spec->user_dirs[i].mode, spec->uid, spec->gid);
	if (chdir(spec->cwd) != 0 && chdir("/") != 0)
		die("cannot change directory to %s", spec->cwd);
	wait_for_device_cgroup(attached);
	if (syscall(SYS_close_range, 3, ~0u, 0) != 0)
		die("cannot close inherited descriptors");
	if (spec->apparmor_profile != NULL)
		apparmor_change_onexec(spec->apparmor_profile);
	seccomp_load(profile);
	execve(opts->command[0], opts->command, spec->env);
	die("cannot execute %s", opts->command[0]);
}

/*
 * fork() straight into the cgroup (clone3 CLONE_INTO_CGROUP): moving a running process costs an
 * RCU grace period (~10 ms here). Falls back to fork() and a later join on older kernels.
 */
static pid_t spawn_in_cgroup(const struct devcgroup *cg, bool *in_cgroup)
{
	int cgroup_fd = devcgroup_open(cg);
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.flags = CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)cgroup_fd;
	long pid = syscall(SYS_clone3, &args, sizeof args);
	*in_cgroup = pid >= 0;
	if (pid < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL))
		pid = fork();
	if (pid != 0)
		close(cgroup_fd);
	return (pid_t)pid;
}

static volatile sig_atomic_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static int supervise(pid_t child, const struct devcgroup *cg, const struct spec *spec, int kmsg, bool enforced)
{
	const char *tag = spec->tag;
	child_pid = child;
	struct sigaction action;
	memset(&action, 0, sizeof action);
	action.sa_handler = forward_signal;
	sigemptyset(&action.sa_mask);
	action.sa_flags = SA_RESTART;
	const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaction(forwarded[i], &action, NULL);
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (pidfd < 0)
		die("cannot watch the app process");
	int status = 0;
	struct device_event event;
	for (;;) {
		struct pollfd watch = { .fd = pidfd, .events = POLLIN };
		int ready = poll(&watch, 1, 50);
		while (devcgroup_next_event(cg, &event))
			report_device_event(&event, tag, enforced);
		kmsg_forward(kmsg, child, spec->snap_dir);
		if (ready > 0) {
			if (waitpid(child, &status, 0) < 0)
				die("cannot wait for the app process");
			break;
		}
	}
	close(pidfd);
	while (devcgroup_next_event(cg, &event))
		report_device_event(&event, tag, enforced);
	kmsg_forward(kmsg, child, spec->snap_dir);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static long microseconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000000 + (now.tv_nsec - start->tv_nsec) / 1000;
}

/*
 * The kernel prints audit records from its kauditd thread, a moment after the call. Every record
 * of the app is queued by the time it has exited; once kauditd sleeps again, all are printed (it
 * is usually asleep already, and the teardown has passed meanwhile). Where kauditd cannot be
 * watched, it gets 5 ms from the app's exit, as before; a kauditd kept busy by others, up to 50 ms.
 */
static void forward_late_records(int kmsg, int kauditd, pid_t child, const char *snap_dir,
				 const struct timespec *exited)
{
	if (kmsg < 0)
		return;
	const long budget_us = kauditd >= 0 ? 50000 : 5000;
	for (;;) {
		if (kauditd >= 0 && kauditd_asleep(kauditd)) {
			kmsg_forward(kmsg, child, snap_dir);
			return;
		}
		long left_us = budget_us - microseconds_since(exited);
		if (left_us <= 0)
			return;
		long wait_ms = (left_us + 999) / 1000;
		struct pollfd more = { .fd = kmsg, .events = POLLIN };
		int ready = poll(&more, 1, kauditd >= 0 && wait_ms > 1 ? 1 : (int)wait_ms);
		if (ready > 0)
			kmsg_forward(kmsg, child, snap_dir);
		if (ready > 0 && kauditd < 0)
			return;
	}
}

/* The mount point parents mount_snap may create on the host, removed again if they were not there. */
struct host_dirs {
	char snap_name_dir[4096];
	bool made_snap_root;
	bool made_snap_name_dir;
};

static void note_host_dirs(const struct spec *spec, struct host_dirs *dirs)
{
	memset(dirs, 0, sizeof *dirs);
	if (spec->source_kind == SNAP_SOURCE_INSTALLED)
		return;
	snprintf(dirs->snap_name_dir, sizeof dirs->snap_name_dir, "%s", spec->snap_dir);
	char *slash = strrchr(dirs->snap_name_dir, '/');
	if (slash != NULL)
		*slash = '\0';
	dirs->made_snap_root = access("/snap", F_OK) != 0;
	dirs->made_snap_name_dir = access(dirs->snap_name_dir, F_OK) != 0;
}

static void remove_host_dirs(const struct host_dirs *dirs)
{
	if (dirs->made_snap_name_dir)
		(void)rmdir(dirs->snap_name_dir);
	if (dirs->made_snap_root)
		(void)rmdir("/snap");
}

/* What the supervisor undoes when it dies (die(): exit(1)) while its child lives. */
static struct {
	pid_t child;
	struct devcgroup *cg;
	struct shared_ns *shared;
	struct host_dirs *host_dirs;
} undo_on_exit;

static void undo_after_failure(void)
{
	if (undo_on_exit.child <= 0)
		return;
	(void)kill(undo_on_exit.child, SIGKILL);
	while (waitpid(undo_on_exit.child, NULL, 0) < 0 && errno == EINTR)
		;
	devcgroup_remove(undo_on_exit.cg);
	struct host_dirs *dirs = undo_on_exit.host_dirs;
	if (shared_ns_release(undo_on_exit.shared, &dirs->made_snap_root, &dirs->made_snap_name_dir))
		remove_host_dirs(dirs);
}

int main(int argc, char **argv)
{
	struct options opts;
	parse_options(argc, argv, &opts);
	if (geteuid() != 0)
		die_input("cannot run: snappy-debug-confine needs root (run it with sudo)");
	char instance[128];
	validate_security_tag(opts.tag, instance, sizeof instance);
	if (opts.classic)
		die_input("cannot run %s: classic confinement is not supported by this launcher", opts.tag);
	struct spec spec;
	int spec_fd = opts.spec_fd;
	if (opts.spec_path != NULL) {
		spec_fd = open(opts.spec_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (spec_fd < 0)
			die("cannot open spec %s", opts.spec_path);
	}
	spec_read(spec_fd, opts.spec_path ? opts.spec_path : "(descriptor)", &spec);
	close(spec_fd);
	if (strcmp(spec.tag, opts.tag) != 0)
		die_input("cannot run %s: the spec is for %s", opts.tag, spec.tag);
	if (opts.command[0][0] != '/')
		die_input("cannot run %s: the command \"%s\" is not an absolute path", opts.tag, opts.command[0]);
	report_open(opts.report_fd);
	note_apparmor(&opts, &spec);
	if (opts.base != NULL && spec.base_root == NULL)
		report_note("base snap \"%s\" is not installed: the app sees the host's root filesystem",
			    opts.base);
	struct seccomp_profile profile;
	seccomp_read(spec.seccomp_path, &profile);
	struct devcgroup cg;
	devcgroup_create(&cg, &spec);
	/*
	 * The loop device is attached here and allowed while the child mounts it from inside the
	 * cgroup; the entry is withdrawn once the child has exec'd (its end of `ready` closes then).
	 */
	struct shared_ns shared;
	shared_ns_open(&shared, instance, &spec);
	char loop_device[64] = "";
	int loop_fd = -1;
	struct device_rule loop_rule = { .type = 'b' };
	if (spec.source_kind == SNAP_SOURCE_SQUASHFS && shared.join_fd < 0) {
		loop_fd = attach_loop(spec.source_path, loop_device, sizeof loop_device);
		struct stat st;
		if (fstat(loop_fd, &st) != 0)
			die("cannot inspect %s", loop_device);
		loop_rule.major = major(st.st_rdev);
		loop_rule.minor = minor(st.st_rdev);
	}
	struct host_dirs host_dirs;
	note_host_dirs(&spec, &host_dirs);
	int ready[2], attached[2];
	if (pipe2(ready, O_CLOEXEC) != 0)
		die("cannot create a pipe");
	/* A socket, not a pipe: telling a child that has already died must not raise SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, attached) != 0)
		die("cannot create a socket pair");
	fflush(NULL);
	supervisor_pid = getpid();
	bool in_cgroup = false;
	pid_t child = spawn_in_cgroup(&cg, &in_cgroup);
	if (child < 0) {
		devcgroup_remove(&cg);
		die("cannot fork");
	}
	if (child == 0) {
		close(ready[0]);
		close(attached[1]);
		become_app(&opts, &spec, instance, &cg, in_cgroup, loop_device, shared.join_fd, &profile,
			   attached[0]);
	}
	close(ready[1]);
	close(attached[0]);
	undo_on_exit.child = child;
	undo_on_exit.cg = &cg;
	undo_on_exit.shared = &shared;
	undo_on_exit.host_dirs = &host_dirs;
	atexit(undo_after_failure);
	int kmsg = kmsg_open_at_end(); /* before the app can make a record: it waits for `attached` */
	/*
	 * Loading the device program (the verifier) takes as long as the child's whole namespace
	 * setup: it is done meanwhile. The child waits for it before anything of the app's can run.
	 */
	devcgroup_attach(&cg, &spec, loop_fd >= 0 ? &loop_rule : NULL, !opts.devmode);
	/* EPIPE: the child died in its setup (and said why); it is reaped below like any exit. */
	if (send(attached[1], "1", 1, MSG_NOSIGNAL) != 1 && errno != EPIPE && errno != ECONNRESET)
		die("cannot tell the app its device cgroup is ready");
	close(attached[1]);
	int kauditd = kmsg >= 0 ? kauditd_open() : -1;
	char byte;
	while (read(ready[0], &byte, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	shared_ns_register(&shared, child, host_dirs.made_snap_root, host_dirs.made_snap_name_dir);
	if (loop_fd >= 0) {
		devcgroup_allow(&cg, &loop_rule, false);
		close(loop_fd);
	}
	int status = supervise(child, &cg, &spec, kmsg, !opts.devmode);
	undo_on_exit.child = 0; /* reaped: the teardown below is the normal one */
	struct timespec exited;
	clock_gettime(CLOCK_MONOTONIC, &exited);
	devcgroup_remove(&cg);
	if (shared_ns_release(&shared, &host_dirs.made_snap_root, &host_dirs.made_snap_name_dir))
		remove_host_dirs(&host_dirs);
	forward_late_records(kmsg, kauditd, child, spec.snap_dir, &exited);
	seccomp_free(&profile);
	spec_free(&spec);
	return status;
}
