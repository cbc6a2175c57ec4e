// JavaScript side (src/scan/native-scan.ts' LateRenderer):
//   const late = new LateRenderer();
//   late.add([{ key, before, afterTime, pid, afterPid, tail }])   // as CandidateScanner.next takes
//   late.renderLines(text, plan, lengths)
//     // text: a Buffer of lines joined by \n (a chunk's `textBytes`); plan: a Float64Array of four
//     // numbers per line to render (key, the line's index in text, millis, pid), lines in text
//     // order; lengths: an Int32Array that gets each line's bytes (up to its tail), or -1 when it
//     // is left to JavaScript. Returns one Buffer of the rendered lines, one after the other.
// Only the main thread uses it: its templates are its own, never the scan thread's. One call per
// chunk, not per line: the lines are read from the chunk's bytes, never converted from strings.
#include "late-render.h"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "template-args.h"

namespace scan {
namespace {

constexpr size_t kPlanStride = 4;

bool printable_ascii(const char *line, size_t length) {
  for (size_t i = 0; i < length; i++) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

class LateRenderer : public Napi::ObjectWrap<LateRenderer> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "LateRenderer",
                       {InstanceMethod("add", &LateRenderer::Add),
                        InstanceMethod("renderLines", &LateRenderer::RenderLines)});
  }

  explicit LateRenderer(const Napi::CallbackInfo &info) : Napi::ObjectWrap<LateRenderer>(info) {}

 private:
  Napi::Value Add(const Napi::CallbackInfo &info) {
    take_templates(info[0], templates_, "LateRenderer");
    return info.Env().Undefined();
  }

  Napi::Value RenderLines(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsBuffer() || !info[1].IsTypedArray() || !info[2].IsTypedArray() ||
        info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
        info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
      throw Napi::TypeError::New(env, "LateRenderer: renderLines(text, plan, lengths): wrong arguments");
    }
    Napi::Buffer<char> text = info[0].As<Napi::Buffer<char>>();
    Napi::Float64Array plan = info[1].As<Napi::Float64Array>();
    Napi::Int32Array lengths = info[2].As<Napi::Int32Array>();
    const size_t lines = plan.ElementLength() / kPlanStride;
    if (plan.ElementLength() % kPlanStride != 0 || lengths.ElementLength() < lines) {
      throw Napi::RangeError::New(env, "LateRenderer: renderLines needs four plan numbers and one length a line");
    }
    const char *const bytes = text.Data();
    const size_t size = text.Length();
    // Where each planned line is (the plan's lines come in text order, so one pass), and room
    // for every head at once: its template and its text, escaped at worst.
    spans_.clear();
    size_t room = 0;
    size_t at = 0;
    size_t start = 0;
    for (size_t i = 0; i < lines; i++) {
      const double *numbers = plan.Data() + i * kPlanStride;
      const double wanted = numbers[1];
      if (!(wanted >= 0 && wanted <= 9e15) || wanted != static_cast<double>(static_cast<size_t>(wanted))) {
        throw Napi::RangeError::New(env, "LateRenderer: a plan's line index must be a whole number");
      }
      if (static_cast<size_t>(wanted) < at) {
        at = 0;
        start = 0;
      }
      for (; at < static_cast<size_t>(wanted); at++) {
        const void *newline = std::memchr(bytes + start, '\n', size - start);
        if (newline == nullptr) throw Napi::RangeError::New(env, "LateRenderer: a plan's line is beyond the text");
        start = static_cast<const char *>(newline) - bytes + 1;
      }
      const void *newline = std::memchr(bytes + start, '\n', size - start);
      const size_t length = (newline == nullptr ? bytes + size : static_cast<const char *>(newline)) - (bytes + start);
      spans_.push_back({start, length});
      const auto repeat = templates_.find(static_cast<uint32_t>(numbers[0]));
      if (repeat == templates_.end()) continue;
      const RepeatTemplate &parts = repeat->second;
      room += parts.before.size() + parts.after_time.size() + parts.pid.size() + parts.after_pid.size() + 48 +
              2 * length;
    }
    auto *out = new std::string();
    out->reserve(room);
    for (size_t i = 0; i < lines; i++) {
      const double *numbers = plan.Data() + i * kPlanStride;
      const auto [from, length] = spans_[i];
      const auto repeat = templates_.find(static_cast<uint32_t>(numbers[0]));
      const size_t before = out->size();
      // Printable ASCII only (as line_key keys): else JSON.stringify's escapes are JavaScript's to make.
      const bool rendered = repeat != templates_.end() && printable_ascii(bytes + from, length) &&
                            render_repeat(repeat->second, bytes + from, length, numbers[2],
                                          static_cast<int64_t>(numbers[3]), *out, false);
      lengths[i] = rendered ? static_cast<int32_t>(out->size() - before) : -1;
    }
    const auto release = [](Napi::Env, char *, std::string *owned) { delete owned; };
    return Napi::Buffer<char>::New(env, out->data(), out->size(), release, out);
  }

  TemplateMap templates_;
  // renderLines' lines: where each starts in the text and its length.
  std::vector<std::pair<size_t, size_t>> spans_;
};

}  // namespace

Napi::Function define_late_renderer(Napi::Env env) { return LateRenderer::Define(env); }

}  // namespace scan
