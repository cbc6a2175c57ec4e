#include "devcgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "leftovers.h"
#include "util.h"

#define ALLOW_KEY_SIZE 9
#define MAX_EVENTS 1024

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int create_map(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	int fd = (int)sys_bpf(BPF_MAP_CREATE, &attr);
	if (fd < 0)
		die("cannot create BPF map for the device cgroup");
	return fd;
}

static void allow_device(int map_fd, const struct device_rule *rule)
{
	struct devcgroup cg = { .allow_fd = map_fd };
	devcgroup_allow(&cg, rule, true);
}

void devcgroup_allow(const struct devcgroup *cg, const struct device_rule *rule, bool allow)
{
	uint8_t key[ALLOW_KEY_SIZE];
	key[0] = (uint8_t)rule->type;
	memcpy(key + 1, &rule->major, 4);
	memcpy(key + 5, &rule->minor, 4);
	uint8_t value = allow ? 1 : 0;
	union bpf_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.map_fd = (uint32_t)cg->allow_fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.value = (uint64_t)(uintptr_t)&value;
	attr.flags = BPF_ANY;
	if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr) != 0)
		die("cannot change device %c %u:%u in the allow list", rule->type, rule->major, rule->minor);
}

int devcgroup_open(const struct devcgroup *cg)
{
	int fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die("cannot open cgroup %s", cg->path);
	return fd;
}

/* eBPF assembly: just the instruction forms the program needs. */
#define INSN(code_, dst_, src_, off_, imm_) \
	((struct bpf_insn){ .code = (code_), .dst_reg = (dst_), .src_reg = (src_), .off = (off_), .imm = (imm_) })
#define MOV_REG(dst, src) INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define ADD_IMM(dst, imm) INSN(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm) INSN(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm) INSN(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define LDX(size, dst, src, off) INSN(BPF_LDX | BPF_MEM | (size), dst, src, off, 0)
#define STX(size, dst, src, off) INSN(BPF_STX | BPF_MEM | (size), dst, src, off, 0)
#define ST(size, dst, off, imm) INSN(BPF_ST | BPF_MEM | (size), dst, 0, off, imm)
#define JEQ_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define JA(off) INSN(BPF_JMP | BPF_JA, 0, 0, off, 0)
#define CALL(fn) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, fn)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP_FD(dst, fd) \
	INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd), INSN(0, 0, 0, 0, 0)

/* Key at fp-16 (9 bytes), event at fp-48 (32 bytes); R6 keeps the context. */
enum { KEY = -16, EVENT = -48 };

static int load_program(int allow_fd, int events_fd, bool enforce)
{
	struct bpf_insn prog[] = {
		/* 0 */ MOV_REG(BPF_REG_6, BPF_REG_1),
		LDX(BPF_W, BPF_REG_2, BPF_REG_6, 0),
		AND_IMM(BPF_REG_2, 0xFFFF),
		MOV_IMM(BPF_REG_3, 'c'),
		JEQ_IMM(BPF_REG_2, BPF_DEVCG_DEV_CHAR, 1),
		/* 5 */ MOV_IMM(BPF_REG_3, 'b'),
		STX(BPF_B, BPF_REG_10, BPF_REG_3, KEY),
		LDX(BPF_W, BPF_REG_2, BPF_REG_6, 4),
		STX(BPF_B, BPF_REG_10, BPF_REG_2, KEY + 1),
		RSH_IMM(BPF_REG_2, 8),
		/* 10 */ STX(BPF_B, BPF_REG_10, BPF_REG_2, KEY + 2),
		RSH_IMM(BPF_REG_2, 8),
		STX(BPF_B, BPF_REG_10, BPF_REG_2, KEY + 3),
		RSH_IMM(BPF_REG_2, 8),
		STX(BPF_B, BPF_REG_10, BPF_REG_2, KEY + 4),
		/* 15 */ LDX(BPF_W, BPF_REG_2, BPF_REG_6, 8),
		STX(BPF_B, BPF_REG_10, BPF_REG_2, KEY + 5),
		RSH_IMM(BPF_REG_2, 8),
		STX(BPF_B, BPF_REG_10, BPF_REG_2, KEY + 6),
		RSH_IMM(BPF_REG_2, 8),
		/* 20 */ STX(BPF_B, BPF_REG_10, BPF_REG_2, KEY + 7),
		RSH_IMM(BPF_REG_2, 8),
		STX(BPF_B, BPF_REG_10, BPF_REG_2, KEY + 8),
		/* exact key */
		LD_MAP_FD(BPF_REG_1, allow_fd),
		/* 25 */ MOV_REG(BPF_REG_2, BPF_REG_10),
		ADD_IMM(BPF_REG_2, KEY),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 2),
		LDX(BPF_B, BPF_REG_1, BPF_REG_0, 0),
		/* 30 */ JEQ_IMM(BPF_REG_1, 1, 33), /* -> 64 allow */
		/* any minor */
		ST(BPF_B, BPF_REG_10, KEY + 5, 0xFF),
		ST(BPF_B, BPF_REG_10, KEY + 6, 0xFF),
		ST(BPF_B, BPF_REG_10, KEY + 7, 0xFF),
		ST(BPF_B, BPF_REG_10, KEY + 8, 0xFF),
		/* 35 */ LD_MAP_FD(BPF_REG_1, allow_fd),
		MOV_REG(BPF_REG_2, BPF_REG_10),
		ADD_IMM(BPF_REG_2, KEY),
		/* 39 */ CALL(BPF_FUNC_map_lookup_elem),
		/* 40 */ JEQ_IMM(BPF_REG_0, 0, 2),
		LDX(BPF_B, BPF_REG_1, BPF_REG_0, 0),
		JEQ_IMM(BPF_REG_1, 1, 21), /* -> 64 allow */
		/* report */
		LDX(BPF_W, BPF_REG_1, BPF_REG_6, 0),
		STX(BPF_W, BPF_REG_10, BPF_REG_1, EVENT),
		/* 45 */ LDX(BPF_W, BPF_REG_1, BPF_REG_6, 4),
		STX(BPF_W, BPF_REG_10, BPF_REG_1, EVENT + 4),
		LDX(BPF_W, BPF_REG_1, BPF_REG_6, 8),
		STX(BPF_W, BPF_REG_10, BPF_REG_1, EVENT + 8),
		CALL(BPF_FUNC_get_current_pid_tgid),
		/* 50 */ RSH_IMM(BPF_REG_0, 32),
		STX(BPF_W, BPF_REG_10, BPF_REG_0, EVENT + 12),
		MOV_REG(BPF_REG_1, BPF_REG_10),
		ADD_IMM(BPF_REG_1, EVENT + 16),
		MOV_IMM(BPF_REG_2, 16),
		/* 55 */ CALL(BPF_FUNC_get_current_comm),
		LD_MAP_FD(BPF_REG_1, events_fd),
		/* 58 */ MOV_REG(BPF_REG_2, BPF_REG_10),
		ADD_IMM(BPF_REG_2, EVENT),
		/* 60 */ MOV_IMM(BPF_REG_3, BPF_EXIST), /* a full queue drops its oldest event */
		CALL(BPF_FUNC_map_push_elem),
		MOV_IMM(BPF_REG_0, enforce ? 0 : 1),
		EXIT(),
		/* 64: allow */ MOV_IMM(BPF_REG_0, 1),
		EXIT(),
	};
	union bpf_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = sizeof prog / sizeof prog[0];
	attr.license = (uint64_t)(uintptr_t) "GPL";
	int fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		/* Again with the verifier's log, only to show why (a log slows the verifier down). */
		int saved = errno;
		static char log[65536];
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = sizeof log;
		attr.log_level = 1;
		(void)sys_bpf(BPF_PROG_LOAD, &attr);
		fprintf(stderr, "%s", log);
		errno = saved;
		die("cannot load the device cgroup BPF program");
	}
	return fd;
}

static void cgroup2_root(char *out, size_t size)
{
	FILE *mounts = setmntent("/proc/self/mounts", "re");
	if (mounts == NULL)
		die("cannot open /proc/self/mounts");
	struct mntent *entry;
	bool found = false;
	while ((entry = getmntent(mounts)) != NULL) {
		if (strcmp(entry->mnt_type, "cgroup2") == 0) {
			snprintf(out, size, "%s", entry->mnt_dir);
			found = true;
			break;
		}
	}
	endmntent(mounts);
	if (!found) {
		errno = ENOENT;
		die("cannot find a cgroup v2 hierarchy (no cgroup2 mount)");
	}
}

void devcgroup_create(struct devcgroup *cg, const struct spec *spec)
{
	cg->allow_fd = cg->events_fd = cg->prog_fd = -1;
	char root[PATH_MAX - 128];
	cgroup2_root(root, sizeof root);
	char parent[PATH_MAX];
	snprintf(parent, sizeof parent, "%s/snappy-debug", root);
	if (mkdir(parent, 0755) != 0 && errno != EEXIST)
		die("cannot create cgroup %s", parent);
	remove_stale_cgroups(parent);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int n = snprintf(cg->path, sizeof cg->path, "%s/%s-%d-%ld.scope", parent, spec->tag, (int)getpid(),
			 (long)now.tv_nsec);
	if (n < 0 || (size_t)n >= sizeof cg->path)
		die_input("cannot build the cgroup path: it is too long");
	if (mkdir(cg->path, 0755) != 0)
		die("cannot create cgroup %s", cg->path);
}

void devcgroup_attach(struct devcgroup *cg, const struct spec *spec, const struct device_rule *also, bool enforce)
{
	cg->allow_fd = create_map(BPF_MAP_TYPE_HASH, ALLOW_KEY_SIZE, 1, 1000);
	cg->events_fd = create_map(BPF_MAP_TYPE_QUEUE, 0, sizeof(struct device_event), MAX_EVENTS);
	for (size_t i = 0; i < spec->n_devices; i++)
		allow_device(cg->allow_fd, &spec->devices[i]);
	if (also != NULL)
		allow_device(cg->allow_fd, also);
	cg->prog_fd = load_program(cg->allow_fd, cg->events_fd, enforce);
	int dir = open(cg->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		die("cannot open cgroup %s", cg->path);
	union bpf_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (uint32_t)dir;
	attr.attach_bpf_fd = (uint32_t)cg->prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	/*
	 * Multi: detaching then needs the program's descriptor. A program attached alone can be
	 * detached by anyone who can open the cgroup's directory, the app included where seccomp
	 * does not refuse bpf(2) (devmode), which would silence the reports.
	 */
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) != 0)
		die("cannot attach the device cgroup BPF program to %s", cg->path);
	close(dir);
}

void devcgroup_join(const struct devcgroup *cg)
{
	char procs[PATH_MAX + 16];
	snprintf(procs, sizeof procs, "%s/cgroup.procs", cg->path);
	if (write_text(procs, "0\n") != 0)
		die("cannot move into cgroup %s", cg->path);
}

bool devcgroup_next_event(const struct devcgroup *cg, struct device_event *event)
{
	if (cg->events_fd < 0)
		return false;
	union bpf_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.map_fd = (uint32_t)cg->events_fd;
	attr.value = (uint64_t)(uintptr_t)event;
	return sys_bpf(BPF_MAP_LOOKUP_AND_DELETE_ELEM, &attr) == 0;
}

void devcgroup_remove(struct devcgroup *cg)
{
	if (cg->path[0] == '\0')
		return;
	char kill_file[PATH_MAX + 16];
	snprintf(kill_file, sizeof kill_file, "%s/cgroup.kill", cg->path);
	(void)write_text(kill_file, "1\n");
	/* The killed processes leave the cgroup asynchronously. */
	for (int attempt = 0; attempt < 200; attempt++) {
		if (rmdir(cg->path) == 0 || errno == ENOENT)
			break;
		if (errno != EBUSY) {
			fprintf(stderr, "snappy-debug-confine: cannot remove cgroup %s: %s\n", cg->path,
				strerror(errno));
			break;
		}
		usleep(5000);
	}
	cg->path[0] = '\0';
}
