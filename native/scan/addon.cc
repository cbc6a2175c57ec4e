// Node addon: reads a saved log from an open descriptor on libuv worker threads and hands
// JavaScript only the lines that hold a denial marker (see marker-search.cc), one chunk per call:
//   const scanner = new CandidateScanner(fd, ['apparmor=', ...], chunkBytes);
//   await scanner.next()  // { text: 'line\nline', candidates: 2, lines: 51234 } or null at the end
//   await scanner.close() // before the descriptor is closed
// With a fourth argument `true`, each chunk also has `facts`: a Float64Array of five numbers per
// candidate line (see repeat-key.h): its key's number (0: none), 0 on the key's first sight, 1 on
// a later one, 2 when the line was rendered, 3 when it was rendered but for its tail; its audit
// stamp's milliseconds; its pid (-1: the key does not mask one); the length of its rendered JSON.
// `rendered` (a Buffer) holds the rendered lines, in order, and `text` only the other lines
// (`textLines` of them; `textBytes` holds them as a Buffer). next(templates) hands over the keys'
// templates (repeat-render.h) for the chunk it asks for and those after it:
// [{ key, before, afterTime, pid: string | null, afterPid, tail }] where tail is a Buffer or null (not known yet), or [{ key, tail }] to add a known key's tail.
// Two stages: a chunk is read and its candidates found as soon as the one before it is handed
// over (ahead of the next() asking for it), then keyed and rendered once next() has given the
// templates. The descriptor stays the caller's: it must stay open until close() has settled.
// LateRenderer (late-render.cc) renders, on the main thread, repeats whose templates came too late.
#include <napi.h>
#include <uv.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "buffer-pool.h"
#include "chunk-stages.h"
#include "late-render.h"
#include "marker-search.h"
#include "template-args.h"

namespace {

constexpr size_t kFirstKeyedRead = 256 << 10;

using scan::ChunkResult;

struct ScanState {
  scan::ReadState read;
  // The keys, and the templates next() sets on the main thread when no keying is under way.
  scan::KeyState key;
  bool keyed = false;
  // A read (of `read`) is queued or under way on a worker.
  bool reading = false;
  // The chunk read (its candidates found, not keyed yet), until next() asks for it: the read
  // after the chunk next() asked for starts at once, while that chunk is keyed and handed over.
  std::unique_ptr<ChunkResult> ahead;
  // The promise next() gave out, until its chunk is read, keyed and handed over.
  std::optional<Napi::Promise::Deferred> waiting;
  // A chunk is being keyed (with `key`) on a worker.
  bool keying = false;
  // close() was called: nothing more is read; `closing` settles once no worker is under way.
  bool closed = false;
  std::vector<Napi::Promise::Deferred> closing;
  // Memory for the chunks' text and rendered lines, given back once JavaScript is done with it.
  std::shared_ptr<scan::BufferPool> text_pool = std::make_shared<scan::BufferPool>();
  std::shared_ptr<scan::BufferPool> rendered_pool = std::make_shared<scan::BufferPool>();
};

void queue_read(Napi::Env env, const std::shared_ptr<ScanState> &state);

// Hands `chunk` to the promise next() gave out (main thread).
void deliver(Napi::Env env, ScanState &state, ChunkResult &chunk, Napi::Promise::Deferred deferred) {
  std::string &text = chunk.region.candidates;
  if (chunk.error != 0) {
    Napi::Object error = Napi::Error::New(env, std::strerror(chunk.error)).Value();
    error.Set("code", Napi::String::New(env, uv_err_name(-chunk.error)));
    error.Set("errno", Napi::Number::New(env, -chunk.error));
    error.Set("syscall", Napi::String::New(env, "read"));
    deferred.Reject(error);
  } else if (!chunk.found) {
    deferred.Resolve(env.Null());
  } else {
    if (!text.empty()) text.pop_back();
    Napi::Object value = Napi::Object::New(env);
    value.Set("text", Napi::String::New(env, text));
    value.Set("candidates", Napi::Number::New(env, static_cast<double>(chunk.region.candidate_lines)));
    value.Set("lines", Napi::Number::New(env, static_cast<double>(chunk.region.total_lines)));
    if (state.keyed) {
      const size_t facts_bytes = chunk.facts.size() * sizeof(double);
      Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, facts_bytes);
      if (facts_bytes > 0) std::memcpy(buffer.Data(), chunk.facts.data(), facts_bytes);
      value.Set("facts", Napi::Float64Array::New(env, chunk.facts.size(), buffer, 0));
      // Handed over, not copied: the Buffer owns the rendered text until it is collected.
      value.Set("rendered", state.rendered_pool->lend(env, std::move(chunk.rendered)));
      value.Set("textLines", Napi::Number::New(env, static_cast<double>(chunk.text_lines)));
      // The same lines as bytes, for the late renderer (late-render.cc): handed over, not copied.
      value.Set("textBytes", state.text_pool->lend(env, std::move(text)));
    }
    deferred.Resolve(value);
  }
  state.text_pool->give(std::move(text));
  state.rendered_pool->give(std::move(chunk.rendered));
}

void queue_key(Napi::Env env, const std::shared_ptr<ScanState> &state, std::unique_ptr<ChunkResult> chunk);

// Moves things on after a worker is done or next() or close() is called (main thread): the chunk
// next() waits for, once read, is keyed (or handed over at once when there is nothing to key),
// and the read after it starts.
void settle(Napi::Env env, const std::shared_ptr<ScanState> &state) {
  if (!state->reading && !state->keying) {
    for (Napi::Promise::Deferred &closed : state->closing) closed.Resolve(env.Undefined());
    state->closing.clear();
  }
  if (!state->waiting || !state->ahead || state->keying) return;
  std::unique_ptr<ChunkResult> chunk = std::move(state->ahead);
  if (!state->reading && !state->read.done && !state->closed && chunk->error == 0) queue_read(env, state);
  if (state->keyed && chunk->found && chunk->error == 0) {
    queue_key(env, state, std::move(chunk));
    return;
  }
  Napi::Promise::Deferred deferred = *state->waiting;
  state->waiting.reset();
  deliver(env, *state, *chunk, deferred);
}

// Reads one chunk and finds its candidate lines on a libuv worker thread; the main thread takes
// it over in OnOK. One at a time: the state's reading members are its worker's while `reading`.
class ReadChunk : public Napi::AsyncWorker {
 public:
  ReadChunk(Napi::Env env, std::shared_ptr<ScanState> state)
      : Napi::AsyncWorker(env), state_(std::move(state)), chunk_(std::make_unique<ChunkResult>()) {}

  void Execute() override {
    chunk_->region.candidates = state_->text_pool->take();
    scan::read_chunk(state_->read, *chunk_);
  }

  void OnOK() override {
    state_->reading = false;
    state_->ahead = std::move(chunk_);
    settle(Env(), state_);
  }

 private:
  std::shared_ptr<ScanState> state_;
  std::unique_ptr<ChunkResult> chunk_;
};

// Keys a chunk's candidate lines and renders the repeats of keys with templates, on a libuv
// worker thread, then hands the chunk over. Only after next() has handed over its templates: a
// chunk is rendered with every template JavaScript had made when it asked for the chunk.
class KeyChunk : public Napi::AsyncWorker {
 public:
  KeyChunk(Napi::Env env, std::shared_ptr<ScanState> state, std::unique_ptr<ChunkResult> chunk)
      : Napi::AsyncWorker(env), state_(std::move(state)), chunk_(std::move(chunk)) {}

  void Execute() override {
    chunk_->rendered = state_->rendered_pool->take();
    scan::key_chunk(state_->key, *chunk_);
  }

  void OnOK() override {
    ScanState &state = *state_;
    state.keying = false;
    Napi::Promise::Deferred deferred = *state.waiting;
    state.waiting.reset();
    deliver(Env(), state, *chunk_, deferred);
    settle(Env(), state_);
  }

 private:
  std::shared_ptr<ScanState> state_;
  std::unique_ptr<ChunkResult> chunk_;
};

void queue_key(Napi::Env env, const std::shared_ptr<ScanState> &state, std::unique_ptr<ChunkResult> chunk) {
  state->keying = true;
  (new KeyChunk(env, state, std::move(chunk)))->Queue();
}

void queue_read(Napi::Env env, const std::shared_ptr<ScanState> &state) {
  state->reading = true;
  (new ReadChunk(env, state))->Queue();
}

class CandidateScanner : public Napi::ObjectWrap<CandidateScanner> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CandidateScanner",
                       {InstanceMethod("next", &CandidateScanner::Next),
                        InstanceMethod("close", &CandidateScanner::Close),
                        InstanceMethod("recycle", &CandidateScanner::Recycle),
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
    state_->read.fd = info[0].As<Napi::Number>().Int32Value();
    const double chunk_bytes = info[2].As<Napi::Number>().DoubleValue();
    if (state_->read.fd < 0 || !(chunk_bytes >= 1 && chunk_bytes <= (1 << 30))) {
      throw Napi::RangeError::New(env, "CandidateScanner: a descriptor and 1 B to 1 GiB chunks are needed");
    }
    state_->read.capacity = static_cast<size_t>(chunk_bytes);
    state_->read.read_limit =
        state_->keyed ? std::min(kFirstKeyedRead, state_->read.capacity) : state_->read.capacity;
    Napi::Array markers = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < markers.Length(); i++) {
      Napi::Value marker = markers.Get(i);
      if (!marker.IsString() || marker.As<Napi::String>().Utf8Value().empty()) {
        throw Napi::TypeError::New(env, "CandidateScanner: every marker must be a non-empty string");
      }
      state_->read.markers.push_back(scan::marker_for(marker.As<Napi::String>().Utf8Value()));
    }
  }

 private:
  Napi::Value Next(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    ScanState &state = *state_;
    if (state.waiting) throw Napi::Error::New(env, "CandidateScanner: next() while a read is under way");
    if (state.closed) throw Napi::Error::New(env, "CandidateScanner: next() after close()");
    // No keying is under way: it ends before the chunk it keys is handed over.
    if (info.Length() > 0 && !info[0].IsUndefined()) scan::take_templates(info[0], state.key.templates, "CandidateScanner");
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    state.waiting = deferred;
    if (!state.reading && !state.ahead) queue_read(env, state_);
    settle(env, state_);
    return deferred.Promise();
  }

  // Stops reading ahead; the promise settles once no read is under way (then the descriptor may
  // be closed).
  Napi::Value Close(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    state_->closed = true;
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    state_->closing.push_back(deferred);
    settle(env, state_);
    return deferred.Promise();
  }

  // Takes back a chunk's `rendered` or `textBytes` Buffer before it is collected (see native-scan.ts).
  Napi::Value Recycle(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsBuffer()) {
      throw Napi::TypeError::New(env, "CandidateScanner: recycle() takes a chunk's Buffer");
    }
    const char *data = info[0].As<Napi::Buffer<char>>().Data();
    const bool taken = state_->rendered_pool->recycle(data) || state_->text_pool->recycle(data);
    return Napi::Boolean::New(env, taken);
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
