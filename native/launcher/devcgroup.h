/*
 * The device cgroup as a cgroup-v2 BPF device program: an allow list (hash map keyed like
 * snap-confine's, {u8 type; u32 major; u32 minor} packed, minor 0xFFFFFFFF = any) and a queue
 * map of refused accesses the supervisor reads and reports. Strict refuses, devmode only reports.
 */
#ifndef SNAPPY_DEBUG_CONFINE_DEVCGROUP_H
#define SNAPPY_DEBUG_CONFINE_DEVCGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

struct device_event {
	uint32_t access_type; /* (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_* */
	uint32_t major;
	uint32_t minor;
	uint32_t pid;
	char comm[16];
};

struct devcgroup {
	int allow_fd;
	int events_fd;
	int prog_fd;
	char path[PATH_MAX];
};

/* Creates the (empty) cgroup the app is born in. Needs root. */
void devcgroup_create(struct devcgroup *cg, const struct spec *spec);

/*
 * Creates the maps (the spec's devices allowed, and `also` when not NULL) and the program, and
 * attaches it to the cgroup: from then on every device access from inside is checked.
 */
void devcgroup_attach(struct devcgroup *cg, const struct spec *spec, const struct device_rule *also, bool enforce);

/* Allows (or stops allowing) one more device while the app is being set up. */
void devcgroup_allow(const struct devcgroup *cg, const struct device_rule *rule, bool allow);

/* An O_DIRECTORY descriptor of the cgroup, for clone3(CLONE_INTO_CGROUP). */
int devcgroup_open(const struct devcgroup *cg);

/* Moves the calling process into the cgroup. */
void devcgroup_join(const struct devcgroup *cg);

/* Pops one event; false when there is none left. */
bool devcgroup_next_event(const struct devcgroup *cg, struct device_event *event);

/* Kills what is left in the cgroup and removes it. Safe to call more than once. */
void devcgroup_remove(struct devcgroup *cg);

#endif
