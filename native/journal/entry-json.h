// One journal entry as the single line `journalctl --output=json --output-fields=...` prints.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <systemd/sd-journal.h>

namespace journal {

// journalctl (without --all) prints a field whose NAME=value is this long or longer as null.
constexpr size_t kJsonThreshold = 4096;

// True when journalctl prints these bytes as a JSON string, false when as an array of byte
// values: valid UTF-8 (by systemd's own reading of it) with no control character but tab and
// newline.
bool printable_as_string(const unsigned char *bytes, size_t length);

// Appends one field value as journalctl writes it: a string, a byte array, or null.
void append_json_value(std::string &out, const unsigned char *value, size_t length, size_t name_length);

// Appends the entry at the journal's current position, with __CURSOR, __REALTIME_TIMESTAMP,
// __MONOTONIC_TIMESTAMP and _BOOT_ID and the `fields` it holds (a repeated field as an array).
// Returns 0, or a negative errno when the entry cannot be read (the caller skips it, as
// journalctl does for -EBADMSG and -EADDRNOTAVAIL).
int append_entry_json(std::string &out, sd_journal *journal, const std::vector<std::string> &fields);

}  // namespace journal
