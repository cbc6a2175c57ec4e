// Node addon: reads a saved log from an open descriptor on a libuv worker thread and hands
// JavaScript only the lines that hold a denial marker (see marker-search.cc), one chunk per call:
//   const scanner = new CandidateScanner(fd, ['apparmor=', ...], chunkBytes);
//   await scanner.next()  // { text: 'line\nline', candidates: 2, lines: 51234 } or null at the end
// With a fourth argument `true`, each chunk also has `facts`: a Float64Array of five numbers per
// candidate line (see repeat-key.h): its key's number (0: none), 0 on the key's first sight, 1 on
// a later one, 2 when the line was rendered, 3 when it was rendered but for its tail; its audit
// stamp's milliseconds; its pid (-1: the key does not mask one); the length of its rendered JSON.
// `rendered` (a Buffer) holds the rendered lines, in order, and `text` only the other lines
// (`textLines` of them; `textBytes` holds them as a Buffer). next(templates) hands over the keys'
// templates (repeat-render.h) for the chunks read from then on:
// [{ key, before, afterTime, pid: string | null, afterPid, tail }] where tail is a Buffer or null (not known yet), or [{ key, tail }] to add a known key's tail.
// The descriptor stays the caller's: it must stay open until the last next() has settled.
// LateRenderer (late-render.cc) renders, on the main thread, repeats whose templates came too late.
#include <napi.h>
#include <uv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include "buffer-pool.h"
#include "marker-search.h"
#include "repeat-key.h"
#include "late-render.h"
#include "repeat-render.h"
#include "template-args.h"

namespace {

constexpr size_t kFirstKeyedRead = 256 << 10;
// A chunk is read a piece at a time into one small buffer, each piece searched as soon as it is
// in: the piece stays in the core's cache between the copy and the search, and its memory is
// written again and again instead of a chunk's megabytes being faulted in.
constexpr size_t kPieceBytes = 256 << 10;

struct ScanState {
  int fd = -1;
  bool done = false;
  bool busy = false;
  // The unfinished last line of the previous piece at the front, then the piece being read.
  std::vector<char> buffer;
  // Bytes a chunk spans at most: the lines of `capacity - kept` bytes after the kept line.
  // Doubled when a single line fills it.
  size_t capacity = 0;
  // The unfinished last line of the previous read, kept at the front of the buffer.
  size_t kept = 0;
  std::vector<scan::Marker> markers;
  bool keyed = false;
  scan::KeyTable keys{1 << 16};
  scan::LineKey line_key;
  // Bytes read at most next time: a keyed scan starts small and doubles up to the buffer's size,
  // so that the templates learnt from the first lines come back early (see next(templates)).
  size_t read_limit = 0;
  // Set by next() on the main thread, read by the worker: never while a read is under way.
  scan::TemplateMap templates;
  // Memory for the chunks' text and rendered lines, given back once JavaScript is done with it.
  std::shared_ptr<scan::BufferPool> text_pool = std::make_shared<scan::BufferPool>();
  std::shared_ptr<scan::BufferPool> rendered_pool = std::make_shared<scan::BufferPool>();
};

class NextChunk : public Napi::AsyncWorker {
 public:
  NextChunk(Napi::Env env, std::shared_ptr<ScanState> state)
      : Napi::AsyncWorker(env), state_(std::move(state)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  ~NextChunk() override {
    state_->text_pool->give(std::move(result_.candidates));
    state_->rendered_pool->give(std::move(rendered_));
  }

  void Execute() override {
    ScanState &state = *state_;
    if (state.done) return;
    result_.candidates = state.text_pool->take();
    if (state.keyed) rendered_ = state.rendered_pool->take();
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
          error_ = errno;
          SetError(std::strerror(error_));
          return;
        }
        if (got == 0 && read_in_chunk == 0) {
          state.done = true;
          if (state.kept > 0) Found(data, state.kept);
          state.kept = 0;
          Finish();
          return;
        }
        read_in_chunk += static_cast<size_t>(got);
        const size_t filled = state.kept + static_cast<size_t>(got);
        const void *last_newline = memrchr(data + state.kept, '\n', static_cast<size_t>(got));
        if (last_newline != nullptr) {
          const size_t whole = static_cast<const char *>(last_newline) - data + 1;
          Found(data, whole);
          std::memmove(data, data + whole, filled - whole);
          state.kept = filled - whole;
          whole_line = true;
        } else {
          state.kept = filled;
        }
        // A short read: the end of the file, or all a pipe had.
        if (static_cast<size_t>(got) < want) break;
      }
      if (whole_line) {
        Finish();
        return;
      }
    }
  }

  void OnOK() override {
    state_->busy = false;
    Napi::Env env = Env();
    if (!found_) {
      deferred_.Resolve(env.Null());
      return;
    }
    std::string &text = result_.candidates;
    if (!text.empty()) text.pop_back();
    Napi::Object chunk = Napi::Object::New(env);
    chunk.Set("text", Napi::String::New(env, text));
    chunk.Set("candidates", Napi::Number::New(env, static_cast<double>(result_.candidate_lines)));
    chunk.Set("lines", Napi::Number::New(env, static_cast<double>(result_.total_lines)));
    if (state_->keyed) {
      Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, facts_.size() * sizeof(double));
      if (!facts_.empty()) std::memcpy(buffer.Data(), facts_.data(), facts_.size() * sizeof(double));
      chunk.Set("facts", Napi::Float64Array::New(env, facts_.size(), buffer, 0));
      // Handed over, not copied: the Buffer owns the rendered text until it is collected.
      chunk.Set("rendered", scan::pooled_buffer(env, state_->rendered_pool, std::move(rendered_)));
      chunk.Set("textLines", Napi::Number::New(env, static_cast<double>(text_lines_)));
      // The same lines as bytes, for the late renderer (late-render.cc): handed over, not copied.
      chunk.Set("textBytes", scan::pooled_buffer(env, state_->text_pool, std::move(text)));
    }
    deferred_.Resolve(chunk);
  }

  void OnError(const Napi::Error &error) override {
    state_->busy = false;
    Napi::Object value = error.Value();
    value.Set("code", Napi::String::New(Env(), uv_err_name(-error_)));
    value.Set("errno", Napi::Number::New(Env(), -error_));
    value.Set("syscall", Napi::String::New(Env(), "read"));
    deferred_.Reject(value);
  }

 private:
  void Found(const char *data, size_t length) {
    found_ = true;
    scan::find_candidates(data, length, state_->markers, result_);
  }

  // Once per chunk, after its last piece: one reservation for all its rendered lines.
  void Finish() {
    if (found_ && state_->keyed) KeyLines(0);
  }

  // Facts for the candidate lines found since `from` (each ends in \n in result_.candidates); the
  // text of the lines rendered is taken out.
  void KeyLines(size_t from) {
    ScanState &state = *state_;
    std::string &text = result_.candidates;
    size_t kept = from;
    // A rendered line is some five times its raw length (its suggestions): room for all at once.
    if (!state.templates.empty()) rendered_.reserve(rendered_.size() + (text.size() - from) * 6);
    while (from < text.size()) {
      const size_t end = text.find('\n', from);
      double number = 0;
      double seen = 0;
      double millis = 0;
      double pid = -1;
      double rendered = 0;
      if (scan::line_key(text.data() + from, end - from, state.line_key)) {
        bool was_seen = false;
        const uint32_t key = state.keys.number_of(state.line_key.key, was_seen);
        number = key;
        seen = was_seen ? 1 : 0;
        millis = state.line_key.millis;
        pid = static_cast<double>(state.line_key.pid);
        const auto repeat = was_seen ? state.templates.find(key) : state.templates.end();
        const size_t before = rendered_.size();
        if (repeat != state.templates.end() &&
            scan::render_repeat(repeat->second, text.data() + from, end - from, state.line_key.millis,
                                state.line_key.pid, rendered_)) {
          seen = repeat->second.tail.empty() ? 3 : 2;
          rendered = static_cast<double>(rendered_.size() - before);
        }
      }
      facts_.insert(facts_.end(), {number, seen, millis, pid, rendered});
      if (seen < 2) {
        if (kept != from) std::memmove(&text[kept], &text[from], end + 1 - from);
        kept += end + 1 - from;
        text_lines_++;
      }
      from = end + 1;
    }
    text.resize(kept);
  }

  std::shared_ptr<ScanState> state_;
  Napi::Promise::Deferred deferred_;
  scan::RegionResult result_;
  std::vector<double> facts_;
  std::string rendered_;
  size_t text_lines_ = 0;
  bool found_ = false;
  int error_ = 0;
};

class CandidateScanner : public Napi::ObjectWrap<CandidateScanner> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CandidateScanner",
                       {InstanceMethod("next", &CandidateScanner::Next),
                        InstanceMethod("buffersReused", &CandidateScanner::BuffersReused)});
  }

  explicit CandidateScanner(const Napi::CallbackInfo &info)
      : Napi::ObjectWrap<CandidateScanner>(info), state_(std::make_shared<ScanState>()) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsArray() || !info[2].IsNumber() ||
        (info.Length() > 3 && !info[3].IsBoolean() && !info[3].IsUndefined())) {
      throw Napi::TypeError::New(env, "CandidateScanner(fd, markers, chunkBytes[, keyed]): wrong arguments");
    }
    state_->keyed = info.Length() > 3 && info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
    state_->fd = info[0].As<Napi::Number>().Int32Value();
    const double chunk_bytes = info[2].As<Napi::Number>().DoubleValue();
    if (state_->fd < 0 || !(chunk_bytes >= 1 && chunk_bytes <= (1 << 30))) {
      throw Napi::RangeError::New(env, "CandidateScanner: a descriptor and 1 B to 1 GiB chunks are needed");
    }
    state_->capacity = static_cast<size_t>(chunk_bytes);
    state_->read_limit = state_->keyed ? std::min(kFirstKeyedRead, state_->capacity) : state_->capacity;
    Napi::Array markers = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < markers.Length(); i++) {
      Napi::Value marker = markers.Get(i);
      if (!marker.IsString() || marker.As<Napi::String>().Utf8Value().empty()) {
        throw Napi::TypeError::New(env, "CandidateScanner: every marker must be a non-empty string");
      }
      state_->markers.push_back(scan::marker_for(marker.As<Napi::String>().Utf8Value()));
    }
  }

 private:
  Napi::Value Next(const Napi::CallbackInfo &info) {
    if (state_->busy) throw Napi::Error::New(info.Env(), "CandidateScanner: next() while a read is under way");
    if (info.Length() > 0 && !info[0].IsUndefined()) scan::take_templates(info[0], state_->templates, "CandidateScanner");
    state_->busy = true;
    auto *worker = new NextChunk(info.Env(), state_);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }

  Napi::Value BuffersReused(const Napi::CallbackInfo &info) {
    const size_t reused = state_->text_pool->taken_back() + state_->rendered_pool->taken_back();
    return Napi::Number::New(info.Env(), static_cast<double>(reused));
  }

  std::shared_ptr<ScanState> state_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("CandidateScanner", CandidateScanner::Define(env));
  exports.Set("LateRenderer", scan::define_late_renderer(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(snappy_debug_scan, Init)
