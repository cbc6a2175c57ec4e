/*
 * The kernel's seccomp records (type=1326) of this run, read from /dev/kmsg from the launch on
 * and passed to the report descriptor, so that `run` shows them next to the device denials.
 */
#ifndef SNAPPY_DEBUG_CONFINE_KMSG_H
#define SNAPPY_DEBUG_CONFINE_KMSG_H

#include <sys/types.h>

/* Opens /dev/kmsg at its end; -1 (and a note) when it cannot be read. */
int kmsg_open_at_end(void);

/* Forwards the new records of pid app_pid or of executables under snap_dir. */
void kmsg_forward(int fd, pid_t app_pid, const char *snap_dir);

#endif
