// Which candidate lines repeat an earlier one (pure: bytes in, facts out). A kernel audit line of
// the one syslog form src/parse/line-cache.ts takes apart is keyed by everything but its stamps'
// digits and the body's pid= (and a seccomp record's ip=), exactly as that cache keys it; its
// own instant and pid are read out. Lines of any other form, or holding a byte outside printable
// ASCII, get no key: JavaScript parses them in full.
#ifndef SNAPPY_DEBUG_REPEAT_KEY_H
#define SNAPPY_DEBUG_REPEAT_KEY_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace scan {

struct LineKey {
  // The masked line as line-cache.ts keys it (month, host, printk presence, type, mark, body).
  std::string key;
  // seconds * 1000 + millis of the audit stamp.
  double millis = 0;
  // The body's pid= value when the key masks it, else -1.
  int64_t pid = -1;
};

// Whether `line` (no \n, a trailing \r already dropped) has a key; fills `out` when it does.
bool line_key(const char *line, size_t length, LineKey &out);

// Numbers for keys, in order of first sight. Bounded: forgotten all at once when full (numbers
// are never given twice, so a forgotten key comes back as a new one).
class KeyTable {
 public:
  explicit KeyTable(size_t capacity) : capacity_(capacity) {}

  // The key's number, and whether it was seen before.
  uint32_t number_of(const std::string &key, bool &seen);

 private:
  size_t capacity_;
  uint32_t next_ = 1;
  std::unordered_map<std::string, uint32_t> numbers_;
};

}  // namespace scan

#endif
