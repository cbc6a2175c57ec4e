#include "chunk-stages.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "repeat-render.h"

namespace scan {
namespace {

// A chunk is read a piece at a time into one small buffer, each piece searched as soon as it is
// in: the piece stays in the core's cache between the copy and the search, and its memory is
// written again and again instead of a chunk's megabytes being faulted in.
constexpr size_t kPieceBytes = 256 << 10;

void found(const ReadState &state, const char *data, size_t length, ChunkResult &chunk) {
  chunk.found = true;
  find_candidates(data, length, state.markers, chunk.region);
}

}  // namespace

void read_chunk(ReadState &state, ChunkResult &chunk) {
  if (state.done) return;
  for (;;) {
    if (state.kept == state.capacity) state.capacity *= 2;
    const size_t room = std::min(state.capacity - state.kept, state.read_limit);
    state.read_limit = std::min(state.read_limit * 2, state.capacity);
    bool whole_line = false;
    size_t read_in_chunk = 0;
    while (read_in_chunk < room) {
      const size_t want = std::min(kPieceBytes, room - read_in_chunk);
      if (state.buffer.size() < state.kept + want) state.buffer.resize(state.kept + want);
      char *data = state.buffer.data();
      const ssize_t got = read(state.fd, data + state.kept, want);
      if (got < 0) {
        if (errno == EINTR) continue;
        chunk.error = errno;
        return;
      }
      if (got == 0 && read_in_chunk == 0) {
        state.done = true;
        if (state.kept > 0) found(state, data, state.kept, chunk);
        state.kept = 0;
        return;
      }
      read_in_chunk += static_cast<size_t>(got);
      const size_t filled = state.kept + static_cast<size_t>(got);
      const void *last_newline = memrchr(data + state.kept, '\n', static_cast<size_t>(got));
      if (last_newline != nullptr) {
        const size_t whole = static_cast<const char *>(last_newline) - data + 1;
        found(state, data, whole, chunk);
        std::memmove(data, data + whole, filled - whole);
        state.kept = filled - whole;
        whole_line = true;
      } else {
        state.kept = filled;
      }
      // A short read: the end of the file, or all a pipe had.
      if (static_cast<size_t>(got) < want) break;
    }
    if (whole_line) return;
  }
}

// Facts for the chunk's candidate lines (each ends in \n in the region's candidates); the text
// of the lines rendered is taken out.
void key_chunk(KeyState &state, ChunkResult &chunk) {
  std::string &text = chunk.region.candidates;
  std::string &out = chunk.rendered;
  std::vector<double> &facts = chunk.facts;
  size_t from = 0;
  size_t kept = 0;
  // A rendered line is some five times its raw length (its suggestions): room for all at once.
  if (!state.templates.empty()) out.reserve(text.size() * 6);
  facts.reserve(chunk.region.candidate_lines * 5);
  while (from < text.size()) {
    const size_t end = text.find('\n', from);
    double number = 0;
    double seen = 0;
    double millis = 0;
    double pid = -1;
    double rendered = 0;
    if (line_key(text.data() + from, end - from, state.line_key)) {
      bool was_seen = false;
      const uint32_t key = state.keys.number_of(state.line_key.key, was_seen);
      number = key;
      seen = was_seen ? 1 : 0;
      millis = state.line_key.millis;
      pid = static_cast<double>(state.line_key.pid);
      const auto repeat = was_seen ? state.templates.find(key) : state.templates.end();
      const size_t before = out.size();
      if (repeat != state.templates.end() &&
          render_repeat(repeat->second, text.data() + from, end - from, state.line_key.millis, state.line_key.pid,
                        out)) {
        seen = repeat->second.tail.empty() ? 3 : 2;
        rendered = static_cast<double>(out.size() - before);
      }
    }
    facts.insert(facts.end(), {number, seen, millis, pid, rendered});
    if (seen < 2) {
      if (kept != from) std::memmove(&text[kept], &text[from], end + 1 - from);
      kept += end + 1 - from;
      chunk.text_lines++;
    }
    from = end + 1;
  }
  text.resize(kept);
}

}  // namespace scan
