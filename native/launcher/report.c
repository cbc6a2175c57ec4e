#include "report.h"

#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

static FILE *report;
static unsigned serial;

void report_open(int fd)
{
	report = fdopen(fd, "w");
	if (report == NULL)
		report = stderr;
	setvbuf(report, NULL, _IOLBF, 0);
	openlog("snappy-debug", LOG_PID, LOG_USER);
}

void report_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("snappy-debug-confine: ", report);
	vfprintf(report, fmt, ap);
	fputc('\n', report);
	va_end(ap);
}

void report_line(const char *line)
{
	fprintf(report, "%s\n", line);
}

/* The kernel's convention for untrusted strings: quoted if plain printable ASCII, else hex. */
static void audit_value(char *out, size_t size, const char *value)
{
	bool plain = true;
	for (const char *p = value; *p; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '"')
			plain = false;
	if (plain) {
		snprintf(out, size, "\"%s\"", value);
		return;
	}
	size_t used = 0;
	for (const unsigned char *p = (const unsigned char *)value; *p && used + 3 < size; p++)
		used += (size_t)snprintf(out + used, size - used, "%02X", *p);
	out[used] = '\0';
}

static void device_name(char *out, size_t size, char type, unsigned major, unsigned minor)
{
	char path[128];
	snprintf(path, sizeof path, "/sys/dev/%s/%u:%u/uevent", type == 'b' ? "block" : "char", major, minor);
	out[0] = '\0';
	FILE *uevent = fopen(path, "re");
	if (uevent == NULL)
		return;
	char line[256];
	while (fgets(line, sizeof line, uevent) != NULL) {
		if (strncmp(line, "DEVNAME=", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, size, "/dev/%s", line + 8);
			break;
		}
	}
	fclose(uevent);
}

void report_device_event(const struct device_event *event, const char *tag, bool enforced)
{
	unsigned kind = event->access_type & 0xFFFF;
	unsigned access = event->access_type >> 16;
	char type = kind == BPF_DEVCG_DEV_BLOCK ? 'b' : 'c';
	char access_text[4];
	size_t n = 0;
	if (access & BPF_DEVCG_ACC_READ)
		access_text[n++] = 'r';
	if (access & BPF_DEVCG_ACC_WRITE)
		access_text[n++] = 'w';
	if (access & BPF_DEVCG_ACC_MKNOD)
		access_text[n++] = 'm';
	access_text[n] = '\0';
	char comm[17];
	memcpy(comm, event->comm, 16);
	comm[16] = '\0';
	char comm_value[40], label_value[600], name[300], name_value[620] = "";
	audit_value(comm_value, sizeof comm_value, comm);
	audit_value(label_value, sizeof label_value, tag);
	device_name(name, sizeof name, type, event->major, event->minor);
	if (name[0] != '\0') {
		char quoted[610];
		audit_value(quoted, sizeof quoted, name);
		snprintf(name_value, sizeof name_value, " name=%s", quoted);
	}
	struct timeval now;
	gettimeofday(&now, NULL);
	char line[1400];
	snprintf(line, sizeof line,
		 "snappy-debug-confine: type=DEVICE_CGROUP audit(%lld.%03ld:%u): decision=\"%s\" label=%s pid=%u "
		 "comm=%s dev_type=%c major=%u minor=%u%s access=\"%s\"",
		 (long long)now.tv_sec, (long)(now.tv_usec / 1000), ++serial, enforced ? "DENIED" : "ALLOWED",
		 label_value, event->pid, comm_value, type, event->major, event->minor, name_value,
		 n > 0 ? access_text : "r");
	fprintf(report, "%s\n", line);
	syslog(LOG_WARNING, "%s", line);
}
