// The two stages of reading a chunk of a saved log (pure but for read(): bytes in, a chunk out).
// The first reads the chunk a piece at a time and finds its candidate lines (marker-search.h);
// the second keys them (repeat-key.h) and renders the repeats of keys with templates
// (repeat-render.h). They touch different state, so the next chunk's reading may run beside a
// chunk's keying.
#ifndef SNAPPY_DEBUG_CHUNK_STAGES_H
#define SNAPPY_DEBUG_CHUNK_STAGES_H

#include <cstddef>
#include <string>
#include <vector>

#include "marker-search.h"
#include "repeat-key.h"
#include "template-args.h"

namespace scan {

// One chunk: made on worker threads, turned into a JavaScript object on the main thread.
struct ChunkResult {
  RegionResult region;
  // Five numbers per candidate line (see addon.cc), once keyed.
  std::vector<double> facts;
  std::string rendered;
  // Lines left in region.candidates once keyed (those not rendered).
  size_t text_lines = 0;
  bool found = false;
  // The errno of a read that failed.
  int error = 0;
};

struct ReadState {
  int fd = -1;
  bool done = false;
  // The unfinished last line of the previous piece at the front, then the piece being read.
  std::vector<char> buffer;
  // Bytes a chunk spans at most: the lines of `capacity - kept` bytes after the kept line.
  // Doubled when a single line fills it.
  size_t capacity = 0;
  // The length of that unfinished line.
  size_t kept = 0;
  // Bytes read at most next time: a keyed scan starts small and doubles up to the capacity, so
  // that the templates learnt from the first lines come back early.
  size_t read_limit = 0;
  std::vector<Marker> markers;
};

struct KeyState {
  KeyTable keys{1 << 16};
  LineKey line_key;
  TemplateMap templates;
};

// Reads the next chunk's whole lines (or the file's last line) into `chunk`: its candidate lines
// each followed by \n in region.candidates; `found` false at the end of the file, `error` set
// when read() failed. region.candidates may come with capacity: it is appended to.
void read_chunk(ReadState &state, ChunkResult &chunk);

// Keys the chunk's candidate lines: their facts, their repeats rendered into `rendered` (which
// may come with capacity) and taken out of region.candidates.
void key_chunk(KeyState &state, ChunkResult &chunk);

}  // namespace scan

#endif
