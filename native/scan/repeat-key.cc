// The envelope and the masking follow src/parse/line-cache.ts (KERNEL_AUDIT_LINE, ownParts) and
// src/parse/build-cache.ts (masked, valueSpan) rule for rule; test/unit/scan/repeat-key.test.ts
// checks that two lines share a key here exactly when they share one there.
#include "repeat-key.h"

#include <cstring>
#include <string_view>

namespace scan {
namespace {

// Longer lines are parsed in full (line-cache.ts MAX_LINE; ASCII: one byte a character).
constexpr size_t kMaxLine = 4096;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_hex_or_x(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'x';
}

// Reads the text at `at` against a literal; advances past it when it matches.
bool literal(std::string_view line, size_t &at, std::string_view text) {
  if (line.compare(at, text.size(), text) != 0) return false;
  at += text.size();
  return true;
}

// 1 to `most` digits at `at` (and no more: the next byte must then be what follows).
bool digits(std::string_view line, size_t &at, size_t most, size_t &start) {
  start = at;
  while (at < line.size() && is_digit(line[at])) at++;
  return at > start && at - start <= most;
}

double number(std::string_view text) {
  double value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

struct Span {
  size_t start = 0;
  size_t end = 0;
  bool found = false;
};

// build-cache.ts valueSpan: `name` exactly once, at the start or after a space, then 1 to
// `longest` value bytes ending the body or followed by a space.
Span value_span(std::string_view body, std::string_view name, size_t longest, bool (*is_value)(char)) {
  Span span;
  const size_t at = body.find(name);
  if (at == std::string_view::npos || body.find(name, at + 1) != std::string_view::npos) return span;
  if (at > 0 && body[at - 1] != ' ') return span;
  const size_t start = at + name.size();
  size_t end = start;
  while (end < body.size() && end - start <= longest && is_value(body[end])) end++;
  if (end == start || end - start > longest) return span;
  if (end < body.size() && body[end] != ' ') return span;
  return Span{start, end, true};
}

// Every byte printable ASCII (0x20 to 0x7e), sixteen at a time: a candidate line is some 300 bytes.
bool all_printable(const char *data, size_t length) {
  typedef unsigned char Bytes __attribute__((vector_size(16)));
  typedef signed char Flags __attribute__((vector_size(16)));
  Flags outside = {};
  size_t at = 0;
  for (; at + sizeof(Bytes) <= length; at += sizeof(Bytes)) {
    Bytes bytes;
    std::memcpy(&bytes, data + at, sizeof bytes);
    outside |= reinterpret_cast<Flags>(static_cast<Bytes>(bytes - 0x20) > 0x5e);
  }
  uint64_t words[2];
  std::memcpy(words, &outside, sizeof words);
  if ((words[0] | words[1]) != 0) return false;
  for (; at < length; at++) {
    const unsigned char byte = static_cast<unsigned char>(data[at]);
    if (byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

enum class Family { kNone, kAppArmor, kSeccomp };

Family family_of(int type) {
  if (type == 1400 || type == 1107 || (type >= 1500 && type <= 1599)) return Family::kAppArmor;
  if (type == 1326) return Family::kSeccomp;
  return Family::kNone;
}

}  // namespace

bool line_key(const char *data, size_t length, LineKey &out) {
  if (length > kMaxLine || !all_printable(data, length)) return false;
  const std::string_view line(data, length);
  // `Mmm dd hh:mm:ss ` (the day's first digit may be a space).
  if (length < 16 || !is_upper(line[0]) || !is_lower(line[1]) || !is_lower(line[2]) || line[3] != ' ' ||
      !(line[4] == ' ' || is_digit(line[4])) || !is_digit(line[5]) || line[6] != ' ' || !is_digit(line[7]) ||
      !is_digit(line[8]) || line[9] != ':' || !is_digit(line[10]) || !is_digit(line[11]) || line[12] != ':' ||
      !is_digit(line[13]) || !is_digit(line[14]) || line[15] != ' ') {
    return false;
  }
  size_t at = 16;
  const size_t host_start = at;
  while (at < length && line[at] != ' ') at++;
  const size_t host_end = at;
  if (host_end == host_start || host_end - host_start > 255) return false;
  if (!literal(line, at, " kernel: ")) return false;
  bool printk = false;
  if (at < length && line[at] == '[') {
    size_t inner = at + 1;
    while (inner < length && line[inner] == ' ') inner++;
    size_t start;
    if (!digits(line, inner, 12, start) || !literal(line, inner, ".")) return false;
    if (!digits(line, inner, 9, start) || !literal(line, inner, "] ")) return false;
    printk = true;
    at = inner;
  }
  if (!literal(line, at, "audit: type=")) return false;
  size_t type_start;
  if (!digits(line, at, 4, type_start) || at - type_start != 4) return false;
  const std::string_view type = line.substr(type_start, 4);
  const Family family = family_of(static_cast<int>(number(type)));
  if (family == Family::kNone) return false;
  if (!literal(line, at, " audit(")) return false;
  size_t seconds_start;
  if (!digits(line, at, 12, seconds_start)) return false;
  const double seconds = number(line.substr(seconds_start, at - seconds_start));
  if (!literal(line, at, ".")) return false;
  size_t millis_start;
  if (!digits(line, at, 3, millis_start) || at - millis_start != 3) return false;
  const double millis = number(line.substr(millis_start, 3));
  size_t serial_start;
  if (!literal(line, at, ":") || !digits(line, at, 20, serial_start) || !literal(line, at, "):")) {
    return false;
  }
  // `: ?` then the parser's trimStart: every leading space goes.
  while (at < length && line[at] == ' ') at++;
  const std::string_view body = line.substr(at);

  const Span pid = value_span(body, "pid=", 9, is_digit);
  Span ip;
  if (family == Family::kSeccomp) {
    ip = value_span(body, "ip=", 18, is_hex_or_x);
    if (ip.found && body.compare(ip.start, 2, "0x") != 0) ip.found = false;
  }

  std::string &key = out.key;
  key.clear();
  key.append(line.substr(0, 3));
  key.push_back('\0');
  key.append(line.substr(host_start, host_end - host_start));
  key.push_back('\0');
  if (printk) key.push_back('t');
  key.push_back('\0');
  key.append(type);
  key.push_back('\0');
  if (!pid.found && !ip.found) {
    key.push_back('-');
    key.push_back('\0');
    key.append(body);
  } else {
    if (pid.found) key.push_back('p');
    if (ip.found) key.push_back('i');
    key.push_back('\0');
    const Span *first = &pid;
    const Span *second = &ip;
    if (!pid.found || (ip.found && ip.start < pid.start)) std::swap(first, second);
    size_t from = 0;
    for (const Span *span : {first, second}) {
      if (!span->found) continue;
      key.append(body.substr(from, span->start - from));
      from = span->end;
    }
    key.append(body.substr(from));
  }
  out.millis = seconds * 1000 + millis;
  out.pid = pid.found ? static_cast<int64_t>(number(body.substr(pid.start, pid.end - pid.start))) : -1;
  return true;
}

uint32_t KeyTable::number_of(const std::string &key, bool &seen) {
  auto found = numbers_.find(key);
  if (found != numbers_.end()) {
    seen = true;
    return found->second;
  }
  seen = false;
  if (numbers_.size() >= capacity_) numbers_.clear();
  const uint32_t number = next_++;
  numbers_.emplace(key, number);
  return number;
}

}  // namespace scan
