/* Notes and DEVICE_CGROUP lines: to the report descriptor and, for denials, to syslog(3). */
#ifndef SNAPPY_DEBUG_CONFINE_REPORT_H
#define SNAPPY_DEBUG_CONFINE_REPORT_H

#include <stdbool.h>

#include "devcgroup.h"

void report_open(int fd);
__attribute__((format(printf, 1, 2))) void report_note(const char *fmt, ...);
/* A line as it is, e.g. a kernel record. */
void report_line(const char *line);
void report_device_event(const struct device_event *event, const char *tag, bool enforced);

#endif
