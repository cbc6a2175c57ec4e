/*
 * The kernel's audit thread prints seccomp records to the kernel log a moment after the call that
 * made them: the launcher asks it whether it has caught up instead of waiting a fixed time.
 */
#ifndef SNAPPY_DEBUG_CONFINE_KAUDITD_H
#define SNAPPY_DEBUG_CONFINE_KAUDITD_H

#include <stdbool.h>

/*
 * Opens /proc/PID/stat of the kauditd kernel thread; -1 when it cannot be found (e.g. in a
 * container). The pid found is kept in /run/snappy-debug/kauditd.pid for the next run, which
 * checks it (named kauditd, a child of kthreadd) before it trusts it, and looks again if not.
 */
int kauditd_open(void);

/*
 * True when kauditd sleeps in its wait for more records. It is woken by every record queued, and
 * only goes back to sleep once the queue is empty and each record in it has been printed: asleep
 * after the app's exit means every record the app made is in the kernel log.
 */
bool kauditd_asleep(int stat_fd);

#endif
