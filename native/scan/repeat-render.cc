#include "repeat-render.h"

#include <cmath>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace scan {
namespace {

// 10000-01-01T00:00:00Z: beyond it JavaScript writes a six-digit year with a sign.
constexpr double kYear10000 = 253402300800000.0;

void two_digits(unsigned value, std::string &out) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

// The proleptic Gregorian date of a day count since 1970-01-01 (days >= 0).
void civil_from_days(int64_t days, int64_t &year, unsigned &month, unsigned &day) {
  days += 719468;
  const int64_t era = days / 146097;
  const unsigned day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned shifted_month = (5 * day_of_year + 2) / 153;
  day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  year = static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
}

// Printable ASCII: JSON.stringify escapes only the quote and the backslash. Copied in spans
// between them, found sixteen bytes at a time where SSE2 is (every x86-64).
void append_escaped(const char *line, size_t length, std::string &out) {
  size_t from = 0;
  size_t at = 0;
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; at + 16 <= length; at += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(line + at));
    auto escaped = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash))));
    for (; escaped != 0; escaped &= escaped - 1) {
      const size_t i = at + static_cast<size_t>(__builtin_ctz(escaped));
      out.append(line + from, i - from);
      out.push_back('\\');
      from = i;
    }
  }
#endif
  for (; at < length; at++) {
    if (line[at] != '"' && line[at] != '\\') continue;
    out.append(line + from, at - from);
    out.push_back('\\');
    from = at;
  }
  out.append(line + from, length - from);
}

}  // namespace

bool iso_time(double millis, std::string &out) {
  if (!(millis >= 0 && millis < kYear10000) || std::floor(millis) != millis) return false;
  const int64_t total = static_cast<int64_t>(millis);
  const int64_t days = total / 86400000;
  int64_t in_day = total - days * 86400000;
  int64_t year;
  unsigned month;
  unsigned day;
  civil_from_days(days, year, month, day);
  // 1970 to 9999: always four digits.
  const auto year_digits = static_cast<unsigned>(year);
  two_digits(year_digits / 100, out);
  two_digits(year_digits % 100, out);
  out.push_back('-');
  two_digits(month, out);
  out.push_back('-');
  two_digits(day, out);
  out.push_back('T');
  const unsigned ms = static_cast<unsigned>(in_day % 1000);
  in_day /= 1000;
  two_digits(static_cast<unsigned>(in_day / 3600), out);
  out.push_back(':');
  two_digits(static_cast<unsigned>(in_day / 60 % 60), out);
  out.push_back(':');
  two_digits(static_cast<unsigned>(in_day % 60), out);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + ms / 100));
  two_digits(ms % 100, out);
  out.push_back('Z');
  return true;
}

bool render_repeat(const RepeatTemplate &repeat, const char *line, size_t length, double millis,
                   int64_t pid, std::string &out, bool with_tail) {
  const size_t start = out.size();
  out.append(repeat.before);
  out.push_back('"');
  if (!iso_time(millis, out)) {
    out.resize(start);
    return false;
  }
  out.push_back('"');
  out.append(repeat.after_time);
  if (repeat.fixed_pid) {
    out.append(repeat.pid);
  } else {
    out.append(std::to_string(pid));
  }
  out.append(repeat.after_pid);
  out.push_back('"');
  append_escaped(line, length, out);
  out.push_back('"');
  if (with_tail) out.append(repeat.tail);
  return true;
}

}  // namespace scan
