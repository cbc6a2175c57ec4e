// "Teddy"-style search (the multi-literal matcher of Hyperscan, in spirit): each of a marker's
// three compared bytes is split in two nibbles, and one byte shuffle per nibble looks up, for 32
// positions at once, which markers accept that nibble there. A marker has a bit of its own, so the
// bits left after ANDing the six look-ups are exact: the three bytes are that marker's. Six
// shuffles and three loads per 32 bytes, whatever the number of markers (up to eight), where the
// block filter of marker-search.cc needs two loads and compares for each marker.
#include "fingerprint-search.h"

#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SCAN_FINGERPRINT_AVX2 1
#endif

namespace scan {
namespace {

// The three consecutive bytes of the marker with the most rare bytes (the first such).
size_t window_for(const std::string &marker) {
  size_t best = 0;
  int best_rare = -1;
  for (size_t at = 0; at + kFingerprintBytes <= marker.size(); at++) {
    int rare = 0;
    for (size_t i = 0; i < kFingerprintBytes; i++) {
      rare += is_common_byte(static_cast<unsigned char>(marker[at + i])) ? 0 : 1;
    }
    if (rare > best_rare) {
      best = at;
      best_rare = rare;
    }
  }
  return best;
}

// Whether one of the markers in `bits` has its window at `hit` and is whole in the region.
bool marker_with_window_at(const char *region, size_t length, size_t hit, unsigned bits,
                           const std::vector<Marker> &markers, const FingerprintTables &tables) {
  for (; bits != 0; bits &= bits - 1) {
    const size_t k = static_cast<size_t>(__builtin_ctz(bits));
    const std::string &marker = markers[k].bytes;
    const size_t window = tables.window_at[k];
    if (hit < window) continue;
    const size_t start = hit - window;
    if (start + marker.size() <= length && std::memcmp(region + start, marker.data(), marker.size()) == 0) {
      return true;
    }
  }
  return false;
}

unsigned window_bits_at(const char *region, size_t at, const FingerprintTables &tables) {
  unsigned bits = 0xff;
  for (size_t t = 0; t < kFingerprintBytes; t++) {
    const auto byte = static_cast<unsigned char>(region[at + t]);
    bits &= tables.low[t][byte & 0x0f] & tables.high[t][byte >> 4];
  }
  return bits;
}

#ifdef SCAN_FINGERPRINT_AVX2
constexpr size_t kWidth = 32;

// The first window position (at or after `from`) of a marker found whole, or the first position
// the blocks did not reach. Counts the newlines of the blocks it passes (the data is in registers
// already: a second pass to count them would read it all again).
__attribute__((target("avx2,popcnt"))) size_t scan_blocks(const char *region, size_t length, size_t from,
                                                          const std::vector<Marker> &markers,
                                                          const FingerprintTables &tables, NewlinesPassed &passed) {
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m256i newline = _mm256_set1_epi8('\n');
  size_t newlines = 0;
  __m256i low[kFingerprintBytes];
  __m256i high[kFingerprintBytes];
  for (size_t t = 0; t < kFingerprintBytes; t++) {
    low[t] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i *>(tables.low[t])));
    high[t] = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i *>(tables.high[t])));
  }
  for (; from + kFingerprintBytes - 1 + kWidth <= length; from += kWidth) {
    const __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(region + from));
    const auto block_newlines =
        static_cast<size_t>(__builtin_popcount(static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, newline)))));
    __m256i agree = _mm256_set1_epi8(-1);
    for (size_t t = 0; t < kFingerprintBytes; t++) {
      const __m256i bytes =
          t == 0 ? block : _mm256_loadu_si256(reinterpret_cast<const __m256i *>(region + from + t));
      const __m256i lows = _mm256_shuffle_epi8(low[t], _mm256_and_si256(bytes, nibble));
      const __m256i highs = _mm256_shuffle_epi8(high[t], _mm256_and_si256(_mm256_srli_epi16(bytes, 4), nibble));
      agree = _mm256_and_si256(agree, _mm256_and_si256(lows, highs));
    }
    if (_mm256_testz_si256(agree, agree)) {
      newlines += block_newlines;
      continue;
    }
    alignas(kWidth) unsigned char bits[kWidth];
    _mm256_store_si256(reinterpret_cast<__m256i *>(bits), agree);
    for (size_t lane = 0; lane < kWidth; lane++) {
      if (bits[lane] != 0 && marker_with_window_at(region, length, from + lane, bits[lane], markers, tables)) {
        passed.newlines += newlines;
        passed.counted_to = from;
        return from + lane;
      }
    }
    newlines += block_newlines;
  }
  passed.newlines += newlines;
  passed.counted_to = from;
  return from;
}
#endif

}  // namespace

bool fingerprint_tables_for(const std::vector<Marker> &markers, FingerprintTables &tables) {
#ifdef SCAN_FINGERPRINT_AVX2
  if (markers.empty() || markers.size() > kFingerprintMarkers || !__builtin_cpu_supports("avx2")) return false;
  tables = FingerprintTables{};
  for (size_t k = 0; k < markers.size(); k++) {
    const std::string &marker = markers[k].bytes;
    if (marker.size() < kFingerprintBytes || marker.find('\n') != std::string::npos) return false;
    tables.window_at[k] = window_for(marker);
    for (size_t t = 0; t < kFingerprintBytes; t++) {
      const auto byte = static_cast<unsigned char>(marker[tables.window_at[k] + t]);
      tables.low[t][byte & 0x0f] |= static_cast<uint8_t>(1u << k);
      tables.high[t][byte >> 4] |= static_cast<uint8_t>(1u << k);
    }
  }
  tables.count = markers.size();
  return true;
#else
  (void)markers;
  (void)tables;
  return false;
#endif
}

size_t next_fingerprint_line(const char *region, size_t length, size_t from, const std::vector<Marker> &markers,
                             const FingerprintTables &tables, NewlinesPassed &passed) {
  passed.counted_to = from;
#ifdef SCAN_FINGERPRINT_AVX2
  from = scan_blocks(region, length, from, markers, tables, passed);
#endif
  // A marker holds no newline, so the line of its window is its own line: lines come in order.
  for (; from + kFingerprintBytes <= length; from++) {
    const unsigned bits = window_bits_at(region, from, tables);
    if (bits != 0 && marker_with_window_at(region, length, from, bits, markers, tables)) return from;
  }
  return length;
}

}  // namespace scan
