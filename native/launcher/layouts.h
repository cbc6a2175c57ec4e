/* snap.yaml layouts inside the app's mount namespace, with writable mimics where needed. */
#ifndef SNAPPY_DEBUG_CONFINE_LAYOUTS_H
#define SNAPPY_DEBUG_CONFINE_LAYOUTS_H

#include "spec.h"

/*
 * A directory this launcher mounted a tmpfs on (the snap's /snap/NAME, a mimic, a tmpfs layout):
 * missing mount points on that filesystem are made in place; anywhere else they need a mimic.
 */
void layouts_note_writable(const char *dir);

/*
 * Each layout in order: bind and bind-file (nodev,nosuid; read-only when the source is), symlink,
 * tmpfs. A missing mount point or symlink parent is created; where that would write to a real
 * filesystem (the host's or the base's), the deepest existing directory is first replaced by a
 * writable mimic: a tmpfs holding a bind mount of each original entry and a copy of each symlink,
 * as snap-update-ns does. A mimic of / is refused.
 */
void apply_layouts(const struct spec *spec);

#endif
