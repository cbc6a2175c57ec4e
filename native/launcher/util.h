/* Small helpers shared by the launcher's steps. */
#ifndef SNAPPY_DEBUG_CONFINE_UTIL_H
#define SNAPPY_DEBUG_CONFINE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Prints "snappy-debug-confine: MESSAGE[: strerror(errno)]" and exits 1; errno is kept. */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);

/* Same, without errno (for input that is wrong rather than a call that failed). */
__attribute__((noreturn, format(printf, 1, 2))) void die_input(const char *fmt, ...);

/*
 * From now on die() ends the process with _exit(1): for the forked child, which must not run the
 * parent's exit handlers (a sanitizer's leak check among them) or flush its copied stdio.
 */
void die_with_exit_handlers_skipped(void);

/* Writes the whole string to the file at path (opened O_WRONLY|O_NOFOLLOW|O_CLOEXEC). */
int write_text(const char *path, const char *text);

/* Parses a decimal unsigned number that fits in max; false on anything else. */
bool parse_uint(const char *text, unsigned long max, unsigned long *out);

/* mkdir -p without following symlinks, each created component gets mode and owner. */
void make_dirs(const char *path, mode_t mode, uid_t uid, gid_t gid);

#endif
