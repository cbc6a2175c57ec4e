#include "entry-json.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace journal {

namespace {

// systemd's UTF-8 reading (src/basic/utf8.c): a sequence's length comes from its first byte (up
// to six), the bytes after it are continuation bytes, and the value must be encoded in its
// shortest form and be a valid code point.
size_t expected_length(unsigned char first) {
  if (first < 0x80) return 1;
  if ((first & 0xe0) == 0xc0) return 2;
  if ((first & 0xf0) == 0xe0) return 3;
  if ((first & 0xf8) == 0xf0) return 4;
  if ((first & 0xfc) == 0xf8) return 5;
  if ((first & 0xfe) == 0xfc) return 6;
  return 0;
}

size_t shortest_length(uint32_t code) {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (code < 0x10000) return 3;
  if (code < 0x200000) return 4;
  if (code < 0x4000000) return 5;
  return 6;
}

bool valid_code_point(uint32_t code) {
  if (code >= 0x110000) return false;
  if ((code & 0xfffff800) == 0xd800) return false;
  if (code >= 0xfdd0 && code <= 0xfdef) return false;
  return (code & 0xfffe) != 0xfffe;
}

bool control_character(uint32_t code) {
  return (code < ' ' && code != '\t' && code != '\n') || (code >= 0x7f && code <= 0x9f);
}

void append_escaped_string(std::string &out, const unsigned char *value, size_t length) {
  out.push_back('"');
  for (size_t i = 0; i < length; i++) {
    const unsigned char c = value[i];
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

void append_byte_array(std::string &out, const unsigned char *value, size_t length) {
  char number[4];
  out.push_back('[');
  for (size_t i = 0; i < length; i++) {
    if (i > 0) out.push_back(',');
    const int written = snprintf(number, sizeof number, "%u", static_cast<unsigned>(value[i]));
    out.append(number, static_cast<size_t>(written));
  }
  out.push_back(']');
}

void append_string_field(std::string &out, const char *name, const char *value) {
  out.push_back('"');
  out.append(name);
  out.append("\":");
  append_escaped_string(out, reinterpret_cast<const unsigned char *>(value), strlen(value));
}

struct FieldValues {
  std::string name;
  std::vector<std::string> values;  // each already in JSON
};

}  // namespace

bool printable_as_string(const unsigned char *bytes, size_t length) {
  size_t i = 0;
  while (i < length) {
    const size_t expected = expected_length(bytes[i]);
    if (expected == 0 || expected > length - i) return false;
    uint32_t code;
    if (expected == 1) {
      code = bytes[i];
    } else {
      for (size_t k = 1; k < expected; k++)
        if ((bytes[i + k] & 0xc0) != 0x80) return false;
      static const unsigned char first_mask[7] = {0, 0, 0x1f, 0x0f, 0x07, 0x03, 0x01};
      code = bytes[i] & first_mask[expected];
      for (size_t k = 1; k < expected; k++) code = (code << 6) | (bytes[i + k] & 0x3f);
      if (shortest_length(code) != expected || !valid_code_point(code)) return false;
    }
    if (control_character(code)) return false;
    i += expected;
  }
  return true;
}

void append_json_value(std::string &out, const unsigned char *value, size_t length, size_t name_length) {
  if (name_length + 1 + length >= kJsonThreshold)
    out.append("null");
  else if (printable_as_string(value, length))
    append_escaped_string(out, value, length);
  else
    append_byte_array(out, value, length);
}

int append_entry_json(std::string &out, sd_journal *journal, const std::vector<std::string> &fields) {
  char *cursor = nullptr;
  int r = sd_journal_get_cursor(journal, &cursor);
  if (r < 0) return r;
  std::string cursor_text(cursor);
  free(cursor);
  uint64_t realtime = 0, monotonic = 0;
  sd_id128_t boot_id;
  r = sd_journal_get_realtime_usec(journal, &realtime);
  if (r < 0) return r;
  r = sd_journal_get_monotonic_usec(journal, &monotonic, &boot_id);
  if (r < 0) return r;

  std::vector<FieldValues> found;
  const void *data;
  size_t size;
  sd_journal_restart_data(journal);
  while ((r = sd_journal_enumerate_data(journal, &data, &size)) > 0) {
    const auto *bytes = static_cast<const unsigned char *>(data);
    const void *eq = memchr(bytes, '=', size < kJsonThreshold ? size : kJsonThreshold);
    if (eq == nullptr) continue;
    const size_t name_length = static_cast<size_t>(static_cast<const unsigned char *>(eq) - bytes);
    const char *name = reinterpret_cast<const char *>(bytes);
    bool wanted = false;
    for (const std::string &field : fields)
      if (field.size() == name_length && memcmp(field.data(), name, name_length) == 0) wanted = true;
    if (!wanted || (name_length == 8 && memcmp(name, "_BOOT_ID", 8) == 0)) continue;
    std::string value;
    append_json_value(value, bytes + name_length + 1, size - name_length - 1, name_length);
    FieldValues *slot = nullptr;
    for (FieldValues &f : found)
      if (f.name.size() == name_length && memcmp(f.name.data(), name, name_length) == 0) slot = &f;
    if (slot == nullptr) {
      found.push_back(FieldValues{std::string(name, name_length), {}});
      slot = &found.back();
    }
    slot->values.push_back(std::move(value));
  }
  if (r < 0) return r;

  char number[24];
  out.push_back('{');
  append_string_field(out, "__CURSOR", cursor_text.c_str());
  snprintf(number, sizeof number, "%" PRIu64, realtime);
  out.push_back(',');
  append_string_field(out, "__REALTIME_TIMESTAMP", number);
  snprintf(number, sizeof number, "%" PRIu64, monotonic);
  out.push_back(',');
  append_string_field(out, "__MONOTONIC_TIMESTAMP", number);
  char boot[SD_ID128_STRING_MAX];
  out.push_back(',');
  append_string_field(out, "_BOOT_ID", sd_id128_to_string(boot_id, boot));
  for (const FieldValues &f : found) {
    out.append(",\"");
    out.append(f.name);
    out.append("\":");
    if (f.values.size() == 1) {
      out.append(f.values.front());
      continue;
    }
    out.push_back('[');
    for (size_t i = 0; i < f.values.size(); i++) {
      if (i > 0) out.push_back(',');
      out.append(f.values[i]);
    }
    out.push_back(']');
  }
  out.push_back('}');
  return 0;
}

}  // namespace journal
