/* The spec TypeScript prepares: one "KEY VALUE" per line, every key checked. See README.md. */
#ifndef SNAPPY_DEBUG_CONFINE_SPEC_H
#define SNAPPY_DEBUG_CONFINE_SPEC_H

#include <stdint.h>
#include <sys/types.h>

#define SPEC_MAX_ENV 256
#define SPEC_MAX_DEVICES 256
#define SPEC_MAX_DIRS 32
#define SPEC_MAX_GROUPS 64
#define SPEC_MAX_LAYOUTS 32
#define DEVICE_ANY_MINOR 0xFFFFFFFFu

enum snap_source_kind { SNAP_SOURCE_INSTALLED, SNAP_SOURCE_SQUASHFS, SNAP_SOURCE_DIR };

struct device_rule {
	char type; /* 'c' or 'b' */
	uint32_t major;
	uint32_t minor; /* DEVICE_ANY_MINOR for any */
};

struct dir_rule {
	mode_t mode;
	char *path;
};

enum layout_kind { LAYOUT_BIND, LAYOUT_BIND_FILE, LAYOUT_SYMLINK, LAYOUT_TMPFS };

struct layout_rule {
	enum layout_kind kind;
	char *source; /* symlink: what the link points to; tmpfs: "tmpfs" */
	char *target;
};

struct spec {
	char *text; /* the file's bytes, which every string below points into */
	char *tag;
	char *instance;
	char *snap_dir;
	enum snap_source_kind source_kind;
	char *source_path;
	uid_t uid;
	gid_t gid;
	size_t n_groups;
	gid_t groups[SPEC_MAX_GROUPS];
	char *seccomp_path;
	size_t n_devices;
	struct device_rule devices[SPEC_MAX_DEVICES];
	size_t n_root_dirs;
	struct dir_rule root_dirs[SPEC_MAX_DIRS];
	size_t n_user_dirs;
	struct dir_rule user_dirs[SPEC_MAX_DIRS];
	size_t n_env;
	char *env[SPEC_MAX_ENV + 1]; /* NULL-terminated for execve */
	char *cwd;
	char *base_root; /* NULL: the host's root */
	char *apparmor_profile; /* NULL: no profile was loaded for this run */
	size_t n_remaps;
	struct layout_rule remaps[4]; /* parallel instances: host NAME_KEY paths seen as NAME */
	size_t n_layouts;
	struct layout_rule layouts[SPEC_MAX_LAYOUTS];
};

/* Reads and validates the spec from an open descriptor; dies naming the line on any error. */
void spec_read(int fd, const char *name, struct spec *spec);

/* Frees what spec_read allocated. */
void spec_free(struct spec *spec);

/* snap.NAME.APP, snap.NAME.hook.HOOK, NAME may carry _KEY; returns the instance name or dies. */
void validate_security_tag(const char *tag, char *instance, size_t instance_size);

#endif
