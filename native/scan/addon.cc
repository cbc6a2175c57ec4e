// Node addon: reads a saved log from an open descriptor on a libuv worker thread and hands
// JavaScript only the lines that hold a denial marker (see marker-search.cc), one chunk per call:
//   const scanner = new CandidateScanner(fd, ['apparmor=', ...], chunkBytes);
//   await scanner.next()  // { text: 'line\nline', candidates: 2, lines: 51234 } or null at the end
// The descriptor stays the caller's: it must stay open until the last next() has settled.
#include <napi.h>
#include <uv.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include "marker-search.h"

namespace {

struct ScanState {
  int fd = -1;
  bool done = false;
  bool busy = false;
  std::vector<char> buffer;
  // The unfinished last line of the previous read, kept at the front of the buffer.
  size_t kept = 0;
  std::vector<scan::Marker> markers;
};

class NextChunk : public Napi::AsyncWorker {
 public:
  NextChunk(Napi::Env env, std::shared_ptr<ScanState> state)
      : Napi::AsyncWorker(env), state_(std::move(state)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    ScanState &state = *state_;
    if (state.done) return;
    for (;;) {
      if (state.kept == state.buffer.size()) state.buffer.resize(state.buffer.size() * 2);
      char *data = state.buffer.data();
      const ssize_t got = read(state.fd, data + state.kept, state.buffer.size() - state.kept);
      if (got < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        SetError(std::strerror(error_));
        return;
      }
      const size_t filled = state.kept + static_cast<size_t>(got);
      if (got == 0) {
        state.done = true;
        state.kept = 0;
        if (filled > 0) Found(data, filled);
        return;
      }
      const void *last_newline = memrchr(data, '\n', filled);
      if (last_newline == nullptr) {
        state.kept = filled;
        continue;
      }
      const size_t whole = static_cast<const char *>(last_newline) - data + 1;
      Found(data, whole);
      std::memmove(data, data + whole, filled - whole);
      state.kept = filled - whole;
      return;
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

  std::shared_ptr<ScanState> state_;
  Napi::Promise::Deferred deferred_;
  scan::RegionResult result_;
  bool found_ = false;
  int error_ = 0;
};

class CandidateScanner : public Napi::ObjectWrap<CandidateScanner> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CandidateScanner", {InstanceMethod("next", &CandidateScanner::Next)});
  }

  explicit CandidateScanner(const Napi::CallbackInfo &info)
      : Napi::ObjectWrap<CandidateScanner>(info), state_(std::make_shared<ScanState>()) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsArray() || !info[2].IsNumber()) {
      throw Napi::TypeError::New(env, "CandidateScanner(fd, markers, chunkBytes): wrong arguments");
    }
    state_->fd = info[0].As<Napi::Number>().Int32Value();
    const double chunk_bytes = info[2].As<Napi::Number>().DoubleValue();
    if (state_->fd < 0 || !(chunk_bytes >= 1 && chunk_bytes <= (1 << 30))) {
      throw Napi::RangeError::New(env, "CandidateScanner: a descriptor and 1 B to 1 GiB chunks are needed");
    }
    state_->buffer.resize(static_cast<size_t>(chunk_bytes));
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
    state_->busy = true;
    auto *worker = new NextChunk(info.Env(), state_);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }

  std::shared_ptr<ScanState> state_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("CandidateScanner", CandidateScanner::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(snappy_debug_scan, Init)
