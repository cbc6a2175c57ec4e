// A block filter in the manner of "SIMD-friendly" substring search: for every marker, two of its
// bytes are compared against 32 positions at once; only a position where both agree for some
// marker is checked against the whole marker. Logs are mostly lower-case words, digits and
// punctuation, so a marker's rare bytes (upper case, '=', '_', '[') rarely agree by chance and
// the scan moves at memory speed. Written with GCC vector extensions, so it builds everywhere;
// on x86-64 a second copy is compiled for AVX2 and picked at load time (-Wno-psabi: the 32-byte
// vectors never cross a call, their helpers are always inlined).
#include "marker-search.h"

#include "fingerprint-search.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace scan {
namespace {

constexpr size_t kWidth = 32;
typedef char Block __attribute__((vector_size(kWidth)));

[[gnu::always_inline]] inline Block load(const char *at) {
  Block block;
  std::memcpy(&block, at, kWidth);
  return block;
}

[[gnu::always_inline]] inline Block splat(char byte) {
  Block block;
  for (size_t i = 0; i < kWidth; i++) block[i] = byte;
  return block;
}

[[gnu::always_inline]] inline bool any_set(Block block) {
  uint64_t words[kWidth / 8];
  std::memcpy(words, &block, kWidth);
  uint64_t any = 0;
  for (uint64_t word : words) any |= word;
  return any != 0;
}

bool marker_at(const char *region, size_t length, size_t at, const Marker &marker) {
  return at + marker.bytes.size() <= length &&
         std::memcmp(region + at, marker.bytes.data(), marker.bytes.size()) == 0;
}

bool any_marker_at(const char *region, size_t length, size_t at, const std::vector<Marker> &markers) {
  for (const Marker &marker : markers) {
    if (marker_at(region, length, at, marker)) return true;
  }
  return false;
}

// The first position at or after `from` where a marker starts, or `length`. The marker count is
// a template parameter so the compiler keeps every marker's two compared bytes in registers.
template <size_t kCount>
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
size_t filtered_scan(const char *region, size_t length, size_t from, const std::vector<Marker> &markers,
                     size_t last_block) {
  Block firsts[kCount];
  Block seconds[kCount];
  size_t first_at[kCount];
  size_t second_at[kCount];
  for (size_t k = 0; k < kCount; k++) {
    first_at[k] = markers[k].first_at;
    second_at[k] = markers[k].second_at;
    firsts[k] = splat(markers[k].bytes[first_at[k]]);
    seconds[k] = splat(markers[k].bytes[second_at[k]]);
  }
  for (; from <= last_block; from += kWidth) {
    const char *at = region + from;
    Block agree = (load(at + first_at[0]) == firsts[0]) & (load(at + second_at[0]) == seconds[0]);
    for (size_t k = 1; k < kCount; k++) {
      agree |= (load(at + first_at[k]) == firsts[k]) & (load(at + second_at[k]) == seconds[k]);
    }
    if (!any_set(agree)) continue;
    for (size_t lane = 0; lane < kWidth; lane++) {
      if (agree[lane] != 0 && any_marker_at(region, length, from + lane, markers)) return from + lane;
    }
  }
  return from;
}

using FilteredScan = size_t (*)(const char *, size_t, size_t, const std::vector<Marker> &, size_t);
constexpr FilteredScan kFilteredScans[] = {
    nullptr,
    filtered_scan<1>,
    filtered_scan<2>,
    filtered_scan<3>,
    filtered_scan<4>,
    filtered_scan<5>,
    filtered_scan<6>,
    filtered_scan<7>,
    filtered_scan<8>,
};

size_t next_marker(const char *region, size_t length, size_t from, const std::vector<Marker> &markers) {
  size_t reach = 0;
  for (const Marker &marker : markers) reach = std::max(reach, marker.bytes.size());
  // More markers than the filter takes would be unusual: they are checked one position at a time.
  const size_t count = markers.size();
  if (count > 0 && count < std::size(kFilteredScans) && length >= reach + kWidth) {
    // Where a marker may start, or where the blocks end: the loop below finishes either way.
    from = kFilteredScans[count](region, length, from, markers, length - reach - kWidth);
  }
  for (; from < length; from++) {
    if (any_marker_at(region, length, from, markers)) return from;
  }
  return length;
}

// Newlines counted 32 bytes at a time: each byte counter takes at most 255 blocks before it is
// added up.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
size_t count_newlines(const char *region, size_t length) {
  typedef unsigned char Counters __attribute__((vector_size(kWidth)));
  const Block newline = splat('\n');
  size_t newlines = 0;
  size_t at = 0;
  while (at + kWidth <= length) {
    Counters counters = {};
    for (size_t round = 0; round < 255 && at + kWidth <= length; round++, at += kWidth) {
      counters -= reinterpret_cast<Counters>(load(region + at) == newline);
    }
    uint64_t words[kWidth / 8];
    std::memcpy(words, &counters, kWidth);
    for (uint64_t word : words) {
      const uint64_t pairs = (word & 0x00ff00ff00ff00ffULL) + ((word >> 8) & 0x00ff00ff00ff00ffULL);
      newlines += (pairs * 0x0001000100010001ULL) >> 48;
    }
  }
  for (; at < length; at++) newlines += region[at] == '\n' ? 1 : 0;
  return newlines;
}

}  // namespace

bool is_common_byte(unsigned char byte) {
  return (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') || byte == ' ' || byte == '"' ||
         byte == '.' || byte == ':' || byte == '-' || byte == '/' || byte == ',';
}

size_t count_lines(const char *region, size_t length) {
  if (length == 0) return 0;
  return count_newlines(region, length) + (region[length - 1] == '\n' ? 0 : 1);
}

Marker marker_for(const std::string &bytes) {
  Marker best{bytes, 0, bytes.size() - 1};
  int best_rare = -1;
  size_t best_distance = 0;
  for (size_t i = 0; i < bytes.size(); i++) {
    for (size_t j = i + 1; j < bytes.size(); j++) {
      const int rare = (is_common_byte(static_cast<unsigned char>(bytes[i])) ? 0 : 1) +
                       (is_common_byte(static_cast<unsigned char>(bytes[j])) ? 0 : 1);
      if (rare > best_rare || (rare == best_rare && j - i > best_distance)) {
        best = Marker{bytes, i, j};
        best_rare = rare;
        best_distance = j - i;
      }
    }
  }
  return best;
}

namespace {

// Appends the line around `at` (a marker's position) and says where the next line starts.
size_t take_line(const char *region, size_t length, size_t line_floor, size_t at, RegionResult &result) {
  const void *before = memrchr(region + line_floor, '\n', at - line_floor);
  const size_t start = before == nullptr ? line_floor : static_cast<const char *>(before) - region + 1;
  const void *after = std::memchr(region + at, '\n', length - at);
  const size_t end = after == nullptr ? length : static_cast<const char *>(after) - region;
  const size_t kept_end = end > start && region[end - 1] == '\r' ? end - 1 : end;
  result.candidates.append(region + start, kept_end - start);
  result.candidates.push_back('\n');
  result.candidate_lines++;
  return end + 1;
}

// The fingerprint search counts the newlines it passes; the rest (the lines it stopped in, the
// end of the region) are counted here.
void find_by_fingerprint(const char *region, size_t length, const std::vector<Marker> &markers,
                         const FingerprintTables &tables, RegionResult &result) {
  size_t newlines = 0;
  size_t line_floor = 0;
  for (;;) {
    NewlinesPassed passed;
    const size_t at = next_fingerprint_line(region, length, line_floor, markers, tables, passed);
    newlines += passed.newlines;
    line_floor = at < length ? take_line(region, length, line_floor, at, result) : length;
    const size_t counted_end = std::min(line_floor, length);
    newlines += count_newlines(region + passed.counted_to, counted_end - passed.counted_to);
    if (line_floor >= length) break;
  }
  result.total_lines += newlines + (length > 0 && region[length - 1] != '\n' ? 1 : 0);
}

}  // namespace

void find_candidates(const char *region, size_t length, const std::vector<Marker> &markers,
                     RegionResult &result) {
  FingerprintTables tables;
  if (fingerprint_tables_for(markers, tables)) {
    find_by_fingerprint(region, length, markers, tables, result);
    return;
  }
  result.total_lines += count_lines(region, length);
  size_t line_floor = 0;
  for (size_t at = next_marker(region, length, 0, markers); at < length;
       at = next_marker(region, length, line_floor, markers)) {
    line_floor = take_line(region, length, line_floor, at, result);
    if (line_floor >= length) break;
  }
}

}  // namespace scan
