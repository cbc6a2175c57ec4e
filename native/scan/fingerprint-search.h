// A multi-marker search that compares three consecutive bytes of every marker at once (x86-64
// with AVX2 only; elsewhere marker-search.cc's block filter runs).
#ifndef SNAPPY_DEBUG_FINGERPRINT_SEARCH_H
#define SNAPPY_DEBUG_FINGERPRINT_SEARCH_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "marker-search.h"

namespace scan {

constexpr size_t kFingerprintBytes = 3;
constexpr size_t kFingerprintMarkers = 8;

// Per fingerprint byte, which markers accept each low and each high nibble (bit k: marker k).
struct FingerprintTables {
  uint8_t low[kFingerprintBytes][16] = {};
  uint8_t high[kFingerprintBytes][16] = {};
  // Where each marker's three compared bytes start within it.
  size_t window_at[kFingerprintMarkers] = {};
  size_t count = 0;
};

// Fills `tables` and says true when the search can take these markers on this machine: AVX2,
// one to eight markers, each at least three bytes long and without a newline.
bool fingerprint_tables_for(const std::vector<Marker> &markers, FingerprintTables &tables);

// What a search counted on its way: the newlines of the bytes from where it started up to
// `counted_to` (never past the position it returns).
struct NewlinesPassed {
  size_t newlines = 0;
  size_t counted_to = 0;
};

// A position at or after `from`, inside the first line starting at or after `from` that holds a
// marker (lines end in \n), or `length` when no such line is left.
size_t next_fingerprint_line(const char *region, size_t length, size_t from, const std::vector<Marker> &markers,
                             const FingerprintTables &tables, NewlinesPassed &passed);

}  // namespace scan

#endif
