// A repeat's JSON line from its key's template (pure: see src/scan/repeat-lane.ts, which makes the
// templates, and src/output/json.ts, whose text this must equal byte for byte).
#ifndef SNAPPY_DEBUG_REPEAT_RENDER_H
#define SNAPPY_DEBUG_REPEAT_RENDER_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace scan {

// A key's JSON line cut at the time, the pid and the raw line; `tail` holds the suggestions and
// the newline. `pid` is the pid's JSON when every line of the key has the same one.
struct RepeatTemplate {
  std::string before;
  std::string after_time;
  bool fixed_pid = false;
  std::string pid;
  std::string after_pid;
  // Empty until the key's suggestions are known: the caller then appends them itself.
  std::string tail;
};

// JavaScript's Date.prototype.toISOString for `millis` in [0, year 10000); false outside it.
bool iso_time(double millis, std::string &out);

// Appends the JSON line of a repeat (printable ASCII `line`, as line_key accepts) to `out`, with
// the template's tail unless `with_tail` is false; false, with nothing appended, when its instant
// is outside iso_time's range.
bool render_repeat(const RepeatTemplate &repeat, const char *line, size_t length, double millis,
                   int64_t pid, std::string &out, bool with_tail = true);

}  // namespace scan

#endif
