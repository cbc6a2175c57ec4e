// Finding the lines of a log region that hold at least one marker (pure: bytes in, lines out).
#ifndef SNAPPY_DEBUG_MARKER_SEARCH_H
#define SNAPPY_DEBUG_MARKER_SEARCH_H

#include <cstddef>
#include <string>
#include <vector>

namespace scan {

// One marker and the two of its bytes the block filter compares (rare ones where it has them).
struct Marker {
  std::string bytes;
  size_t first_at;
  size_t second_at;
};

Marker marker_for(const std::string &bytes);

// Lower-case letters, digits, space and the punctuation logs are full of.
bool is_common_byte(unsigned char byte);

// How many lines the region holds: its newlines, and one more when it does not end in \n.
size_t count_lines(const char *region, size_t length);

struct RegionResult {
  // The lines that hold a marker, in order, a trailing \r dropped, each followed by \n.
  std::string candidates;
  size_t candidate_lines = 0;
  size_t total_lines = 0;
};

// `region` holds whole lines: each ends in \n, except perhaps the last one (the end of the file).
void find_candidates(const char *region, size_t length, const std::vector<Marker> &markers,
                     RegionResult &result);

}  // namespace scan

#endif
