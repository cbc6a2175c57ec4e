#include "layouts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

#define MAX_WRITABLE 64

/* The devices of the tmpfs mounts this launcher made: only there may it create entries. */
static dev_t writable[MAX_WRITABLE];
static size_t n_writable;

void layouts_note_writable(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		die("cannot inspect %s", dir);
	if (n_writable == MAX_WRITABLE)
		die_input("cannot keep track of more than %d writable directories", MAX_WRITABLE);
	writable[n_writable++] = st.st_dev;
}

/* dir is on a tmpfs this launcher mounted (not on the host's, the base's or the snap's files). */
static bool is_writable(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		die("cannot inspect %s", dir);
	for (size_t i = 0; i < n_writable; i++)
		if (writable[i] == st.st_dev)
			return true;
	return false;
}

/* Replays one entry of the original directory (open as orig) into the tmpfs now at dir. */
static void mimic_entry(int orig, int fresh, const char *dir, const char *name)
{
	struct stat st;
	if (fstatat(orig, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		die("cannot inspect %s/%s for its mimic", dir, name);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t len = readlinkat(orig, name, target, sizeof target - 1);
		if (len < 0)
			die("cannot read symlink %s/%s", dir, name);
		target[len] = '\0';
		if (symlinkat(target, fresh, name) != 0)
			die("cannot copy symlink %s/%s into its mimic", dir, name);
		return;
	}
	if (S_ISDIR(st.st_mode) ? mkdirat(fresh, name, st.st_mode & 07777) != 0
				: mknodat(fresh, name, S_IFREG | 0600, 0) != 0)
		die("cannot create mount point %s/%s in its mimic", dir, name);
	char source[PATH_MAX + 64], target[PATH_MAX];
	snprintf(source, sizeof source, "/proc/self/fd/%d/%s", orig, name);
	snprintf(target, sizeof target, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
	if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) != 0)
		die("cannot bind %s into its mimic", target);
}

/* A tmpfs over dir that shows what dir showed, and can take new entries. */
static void make_mimic(const char *dir, const char *layout)
{
	if (strcmp(dir, "/") == 0)
		die_input("cannot apply layout %s: it would need a writable mimic of /", layout);
	int orig = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (orig < 0)
		die("cannot open %s for its mimic", dir);
	struct stat st;
	if (fstat(orig, &st) != 0)
		die("cannot inspect %s", dir);
	char options[128];
	snprintf(options, sizeof options, "mode=%o,uid=%u,gid=%u", st.st_mode & 07777, st.st_uid, st.st_gid);
	if (mount("tmpfs", dir, "tmpfs", MS_NODEV | MS_NOSUID, options) != 0)
		die("cannot mount a tmpfs mimic on %s", dir);
	int fresh = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *entries = fdopendir(dup(orig));
	if (fresh < 0 || entries == NULL)
		die("cannot open %s and its mimic", dir);
	for (struct dirent *entry; (entry = readdir(entries)) != NULL;) {
		if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
			mimic_entry(orig, fresh, dir, entry->d_name);
	}
	closedir(entries);
	close(fresh);
	close(orig);
	report_note("layout %s: %s replaced by a writable mimic", layout, dir);
	layouts_note_writable(dir);
}

/*
 * Makes path (a directory, a file, or nothing when only its parent is wanted) without following a
 * symlink on the way; returns false (after a note) when something of another kind is in the way.
 */
static bool ensure_path(const char *path, mode_t kind, const char *layout)
{
	char existing[PATH_MAX] = "/";
	char walk[PATH_MAX];
	snprintf(walk, sizeof walk, "%s", path);
	char *save = NULL;
	size_t depth = 0, exist_depth = 0;
	char *parts[PATH_MAX / 2];
	for (char *part = strtok_r(walk, "/", &save); part != NULL; part = strtok_r(NULL, "/", &save))
		parts[depth++] = part;
	char prefix[PATH_MAX] = "";
	for (size_t i = 0; i < depth; i++) {
		strcat(prefix, "/");
		strcat(prefix, parts[i]);
		struct stat st;
		if (lstat(prefix, &st) != 0)
			break;
		if (S_ISLNK(st.st_mode)) {
			report_note("layout %s: %s is a symlink, not followed: skipped", layout, prefix);
			return false;
		}
		bool last = i + 1 == depth;
		if (!last && !S_ISDIR(st.st_mode)) {
			report_note("layout %s: %s is not a directory: skipped", layout, prefix);
			return false;
		}
		if (last) {
			if ((st.st_mode & S_IFMT) == kind)
				return true;
			report_note("layout %s: something of another kind is already there: skipped", layout);
			return false;
		}
		snprintf(existing, sizeof existing, "%s", prefix);
		exist_depth = i + 1;
	}
	if (!is_writable(existing))
		make_mimic(existing, layout);
	snprintf(prefix, sizeof prefix, "%s", strcmp(existing, "/") == 0 ? "" : existing);
	for (size_t i = exist_depth; i < depth; i++) {
		strcat(prefix, "/");
		strcat(prefix, parts[i]);
		bool last = i + 1 == depth;
		if (last && kind == 0)
			break;
		int rc = last && kind == S_IFREG ? mknod(prefix, S_IFREG | 0644, 0) : mkdir(prefix, 0755);
		if (rc != 0)
			die("cannot create %s for layout %s", prefix, layout);
	}
	return true;
}

static void bind_layout(const struct layout_rule *rule)
{
	struct stat source;
	if (stat(rule->source, &source) != 0 && errno == ENOENT && strncmp(rule->source, "/var/snap/", 10) == 0)
		make_dirs(rule->source, 0755, 0, 0);
	if (!ensure_path(rule->target, rule->kind == LAYOUT_BIND_FILE ? S_IFREG : S_IFDIR, rule->target))
		return;
	if (mount(rule->source, rule->target, NULL, MS_BIND, NULL) != 0)
		die("cannot bind layout %s on %s", rule->source, rule->target);
	struct statvfs source_fs;
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_NODEV | MS_NOSUID;
	if (statvfs(rule->source, &source_fs) == 0 && (source_fs.f_flag & ST_RDONLY))
		flags |= MS_RDONLY;
	if (mount(NULL, rule->target, NULL, flags, NULL) != 0)
		die("cannot make layout %s nodev,nosuid", rule->target);
}

void apply_layouts(const struct spec *spec)
{
	for (size_t i = 0; i < spec->n_layouts; i++) {
		const struct layout_rule *rule = &spec->layouts[i];
		switch (rule->kind) {
		case LAYOUT_BIND:
		case LAYOUT_BIND_FILE:
			bind_layout(rule);
			break;
		case LAYOUT_SYMLINK:
			if (ensure_path(rule->target, 0, rule->target) && symlink(rule->source, rule->target) != 0) {
				if (errno != EEXIST)
					die("cannot create layout symlink %s", rule->target);
				report_note("layout %s: something is already there: skipped", rule->target);
			}
			break;
		case LAYOUT_TMPFS:
			if (!ensure_path(rule->target, S_IFDIR, rule->target))
				break;
			if (mount("tmpfs", rule->target, "tmpfs", MS_NODEV | MS_NOSUID, "mode=0755") != 0)
				die("cannot mount a tmpfs layout on %s", rule->target);
			layouts_note_writable(rule->target);
			break;
		}
	}
}
