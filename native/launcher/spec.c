#include "spec.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define SPEC_MAX_BYTES (1 << 20)

static const char *const TAG_PATTERN =
	"^snap\\.([a-z0-9](-?[a-z0-9])*(_[a-z0-9]{1,10})?)\\."
	"(hook\\.[a-z](-?[a-z0-9])*|[A-Za-z0-9](-?[A-Za-z0-9])*)$";

void validate_security_tag(const char *tag, char *instance, size_t instance_size)
{
	regex_t re;
	if (regcomp(&re, TAG_PATTERN, REG_EXTENDED) != 0)
		die_input("cannot compile the security tag pattern");
	regmatch_t match[2];
	int status = regexec(&re, tag, 2, match, 0);
	regfree(&re);
	size_t len = strlen(tag);
	if (status != 0 || len > 256)
		die_input("cannot use security tag \"%.256s%s\": it is not snap.NAME.APP or snap.NAME.hook.HOOK", tag,
			  len > 256 ? "..." : "");
	size_t name_len = (size_t)(match[1].rm_eo - match[1].rm_so);
	if (name_len >= instance_size)
		die_input("cannot use security tag \"%s\": it is too long", tag);
	memcpy(instance, tag + match[1].rm_so, name_len);
	instance[name_len] = '\0';
	/* snapd limits snap names to 40 characters. */
	if (strcspn(instance, "_") > 40)
		die_input("cannot use security tag \"%s\": the snap name is longer than 40 characters", tag);
}

static bool is_clean_path(const char *path)
{
	if (path[0] != '/' || strlen(path) >= 4096)
		return false;
	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1] == '.' && (p[2] == '/' || p[2] == '\0' || (p[2] == '.' && (p[3] == '/' || p[3] == '\0'))))
			return false;
	return true;
}

struct line_ctx {
	const char *name;
	unsigned number;
};

#define BAD(ctx, ...)                                                                  \
	do {                                                                           \
		char detail_[512];                                                     \
		snprintf(detail_, sizeof detail_, __VA_ARGS__);                        \
		die_input("cannot read spec %s line %u: %s", (ctx)->name, (ctx)->number, detail_); \
	} while (0)

static char *need_path(const struct line_ctx *ctx, const char *key, char *value)
{
	if (!is_clean_path(value))
		BAD(ctx, "%s needs an absolute path without . or .. components, got \"%s\"", key, value);
	return value;
}

static uint32_t need_u32(const struct line_ctx *ctx, const char *what, const char *text)
{
	unsigned long value;
	if (!parse_uint(text, 0xFFFFFFFEul, &value))
		BAD(ctx, "%s is not a decimal number: \"%s\"", what, text);
	return (uint32_t)value;
}

static void parse_device(const struct line_ctx *ctx, struct spec *spec, char *value)
{
	char *save = NULL;
	char *type = strtok_r(value, " ", &save);
	char *major = strtok_r(NULL, " ", &save);
	char *minor = strtok_r(NULL, " ", &save);
	if (type == NULL || major == NULL || minor == NULL || strtok_r(NULL, " ", &save) != NULL)
		BAD(ctx, "device needs TYPE MAJOR MINOR");
	if (strcmp(type, "c") != 0 && strcmp(type, "b") != 0)
		BAD(ctx, "device type must be c or b, got \"%s\"", type);
	if (spec->n_devices == SPEC_MAX_DEVICES)
		BAD(ctx, "more than %d devices", SPEC_MAX_DEVICES);
	struct device_rule *rule = &spec->devices[spec->n_devices++];
	rule->type = type[0];
	rule->major = need_u32(ctx, "device major", major);
	rule->minor = strcmp(minor, "*") == 0 ? DEVICE_ANY_MINOR : need_u32(ctx, "device minor", minor);
}

static void parse_dir(const struct line_ctx *ctx, struct dir_rule *rules, size_t *count, char *value)
{
	char *space = strchr(value, ' ');
	if (space == NULL)
		BAD(ctx, "directory needs MODE PATH");
	*space = '\0';
	char *end = NULL;
	long mode = strtol(value, &end, 8);
	if (*value != '0' || *end != '\0' || mode < 0 || mode > 07777)
		BAD(ctx, "directory mode must be octal with a leading 0, got \"%s\"", value);
	if (*count == SPEC_MAX_DIRS)
		BAD(ctx, "more than %d directories", SPEC_MAX_DIRS);
	rules[*count].mode = (mode_t)mode;
	rules[*count].path = need_path(ctx, "directory", space + 1);
	(*count)++;
}

static void parse_line(const struct line_ctx *ctx, struct spec *spec, char *key, char *value)
{
	if (strcmp(key, "tag") == 0) {
		spec->tag = value;
	} else if (strcmp(key, "snap-dir") == 0) {
		spec->snap_dir = need_path(ctx, key, value);
	} else if (strcmp(key, "snap-source") == 0) {
		char *space = strchr(value, ' ');
		if (space == NULL)
			BAD(ctx, "snap-source needs squashfs|dir PATH");
		*space = '\0';
		if (strcmp(value, "squashfs") == 0)
			spec->source_kind = SNAP_SOURCE_SQUASHFS;
		else if (strcmp(value, "dir") == 0)
			spec->source_kind = SNAP_SOURCE_DIR;
		else
			BAD(ctx, "snap-source kind must be squashfs or dir, got \"%s\"", value);
		spec->source_path = need_path(ctx, key, space + 1);
	} else if (strcmp(key, "uid") == 0) {
		spec->uid = need_u32(ctx, key, value);
	} else if (strcmp(key, "gid") == 0) {
		spec->gid = need_u32(ctx, key, value);
	} else if (strcmp(key, "group") == 0) {
		if (spec->n_groups == SPEC_MAX_GROUPS)
			BAD(ctx, "more than %d groups", SPEC_MAX_GROUPS);
		spec->groups[spec->n_groups++] = need_u32(ctx, key, value);
	} else if (strcmp(key, "seccomp") == 0) {
		spec->seccomp_path = need_path(ctx, key, value);
	} else if (strcmp(key, "device") == 0) {
		parse_device(ctx, spec, value);
	} else if (strcmp(key, "root-dir") == 0) {
		parse_dir(ctx, spec->root_dirs, &spec->n_root_dirs, value);
	} else if (strcmp(key, "user-dir") == 0) {
		parse_dir(ctx, spec->user_dirs, &spec->n_user_dirs, value);
	} else if (strcmp(key, "env") == 0) {
		char *eq = strchr(value, '=');
		if (eq == NULL || eq == value)
			BAD(ctx, "env needs NAME=VALUE");
		for (char *p = value; p < eq; p++)
			if (!(isalnum((unsigned char)*p) || *p == '_'))
				BAD(ctx, "env name has a character other than A-Z, a-z, 0-9 and _");
		if (spec->n_env == SPEC_MAX_ENV)
			BAD(ctx, "more than %d env lines", SPEC_MAX_ENV);
		spec->env[spec->n_env++] = value;
	} else if (strcmp(key, "remap") == 0) {
		char *space = strchr(value, ' ');
		if (space == NULL)
			BAD(ctx, "remap needs SOURCE TARGET");
		*space = '\0';
		if (spec->n_remaps == sizeof spec->remaps / sizeof spec->remaps[0])
			BAD(ctx, "more than %zu remaps", sizeof spec->remaps / sizeof spec->remaps[0]);
		spec->remaps[spec->n_remaps].source = need_path(ctx, "remap source", value);
		spec->remaps[spec->n_remaps++].target = need_path(ctx, "remap target", space + 1);
	} else if (strcmp(key, "layout") == 0) {
		char *save = NULL;
		char *kind = strtok_r(value, " ", &save);
		char *source = strtok_r(NULL, " ", &save);
		char *target = strtok_r(NULL, " ", &save);
		if (kind == NULL || source == NULL || target == NULL || strtok_r(NULL, " ", &save) != NULL)
			BAD(ctx, "layout needs KIND SOURCE TARGET");
		if (spec->n_layouts == SPEC_MAX_LAYOUTS)
			BAD(ctx, "more than %d layouts", SPEC_MAX_LAYOUTS);
		struct layout_rule *rule = &spec->layouts[spec->n_layouts++];
		if (strcmp(kind, "bind") == 0)
			rule->kind = LAYOUT_BIND;
		else if (strcmp(kind, "bind-file") == 0)
			rule->kind = LAYOUT_BIND_FILE;
		else if (strcmp(kind, "symlink") == 0)
			rule->kind = LAYOUT_SYMLINK;
		else if (strcmp(kind, "tmpfs") == 0)
			rule->kind = LAYOUT_TMPFS;
		else
			BAD(ctx, "layout kind must be bind, bind-file, symlink or tmpfs, got \"%s\"", kind);
		if (rule->kind == LAYOUT_TMPFS && strcmp(source, "tmpfs") != 0)
			BAD(ctx, "a tmpfs layout's source must be \"tmpfs\", got \"%s\"", source);
		rule->source = rule->kind == LAYOUT_TMPFS ? source : need_path(ctx, "layout source", source);
		rule->target = need_path(ctx, "layout target", target);
	} else if (strcmp(key, "base-root") == 0) {
		spec->base_root = need_path(ctx, key, value);
	} else if (strcmp(key, "apparmor-profile") == 0) {
		if (strchr(value, ' ') != NULL || strchr(value, '/') != NULL)
			BAD(ctx, "apparmor-profile needs a profile name without spaces or slashes, got \"%s\"", value);
		spec->apparmor_profile = value;
	} else if (strcmp(key, "cwd") == 0) {
		spec->cwd = need_path(ctx, key, value);
	} else {
		BAD(ctx, "unknown key \"%s\"", key);
	}
}

void spec_read(int fd, const char *name, struct spec *spec)
{
	char *text = malloc(SPEC_MAX_BYTES + 1);
	if (text == NULL)
		die("cannot allocate memory for the spec");
	size_t used = 0;
	for (;;) {
		ssize_t n = read(fd, text + used, SPEC_MAX_BYTES + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("cannot read spec %s", name);
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > SPEC_MAX_BYTES)
			die_input("cannot read spec %s: it is larger than %d bytes", name, SPEC_MAX_BYTES);
	}
	text[used] = '\0';
	if (memchr(text, '\0', used) != NULL)
		die_input("cannot read spec %s: it holds a NUL byte", name);
	memset(spec, 0, sizeof *spec);
	spec->text = text;
	spec->uid = (uid_t)-1;
	spec->gid = (gid_t)-1;
	struct line_ctx ctx = { .name = name, .number = 0 };
	char *save = NULL;
	bool header = false;
	for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		ctx.number++;
		if (!header) {
			if (strcmp(line, "snappy-debug-spec 1") != 0)
				BAD(&ctx, "the first line must be \"snappy-debug-spec 1\"");
			header = true;
			continue;
		}
		char *space = strchr(line, ' ');
		if (space == NULL || space[1] == '\0')
			BAD(&ctx, "expected KEY VALUE");
		*space = '\0';
		parse_line(&ctx, spec, line, space + 1);
	}
	spec->env[spec->n_env] = NULL;
	if (!header)
		die_input("cannot read spec %s: it is empty", name);
	const char *missing = spec->tag == NULL		 ? "tag"
			      : spec->snap_dir == NULL	 ? "snap-dir"
			      : spec->uid == (uid_t)-1	 ? "uid"
			      : spec->gid == (gid_t)-1	 ? "gid"
			      : spec->seccomp_path == NULL ? "seccomp"
			      : spec->cwd == NULL	 ? "cwd"
						 : NULL;
	if (missing != NULL)
		die_input("cannot read spec %s: it has no %s line", name, missing);
}

void spec_free(struct spec *spec)
{
	free(spec->text);
	memset(spec, 0, sizeof *spec);
}
