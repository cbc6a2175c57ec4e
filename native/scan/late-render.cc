// JavaScript side (src/scan/native-scan.ts' LateRenderer):
//   const late = new LateRenderer();
//   late.add([{ key, before, afterTime, pid, afterPid, tail }])   // as CandidateScanner.next takes
//   late.render(key, line, millis, pid)  // bytes appended (up to the tail), -1: left to JavaScript
//   late.take()                          // a Buffer of everything rendered since the last take
// Only the main thread uses it: its templates are its own, never the scan thread's.
#include "late-render.h"

#include <string>
#include <vector>

#include "template-args.h"

namespace scan {
namespace {

class LateRenderer : public Napi::ObjectWrap<LateRenderer> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "LateRenderer",
                       {InstanceMethod("add", &LateRenderer::Add), InstanceMethod("render", &LateRenderer::Render),
                        InstanceMethod("take", &LateRenderer::Take)});
  }

  explicit LateRenderer(const Napi::CallbackInfo &info) : Napi::ObjectWrap<LateRenderer>(info) {}

 private:
  Napi::Value Add(const Napi::CallbackInfo &info) {
    take_templates(info[0], templates_, "LateRenderer");
    return info.Env().Undefined();
  }

  Napi::Value Render(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    if (info.Length() < 4 || !info[0].IsNumber() || !info[1].IsString() || !info[2].IsNumber() ||
        !info[3].IsNumber()) {
      throw Napi::TypeError::New(env, "LateRenderer: render(key, line, millis, pid): wrong arguments");
    }
    const auto repeat = templates_.find(info[0].As<Napi::Number>().Uint32Value());
    if (repeat == templates_.end()) return Napi::Number::New(env, -1);
    size_t length = 0;
    napi_status status = napi_get_value_string_utf8(env, info[1], nullptr, 0, &length);
    NAPI_THROW_IF_FAILED(env, status, Napi::Value());
    line_.resize(length + 1);
    status = napi_get_value_string_utf8(env, info[1], line_.data(), line_.size(), &length);
    NAPI_THROW_IF_FAILED(env, status, Napi::Value());
    // Printable ASCII only (as line_key keys): else JSON.stringify's escapes are JavaScript's to make.
    for (size_t i = 0; i < length; i++) {
      const unsigned char c = static_cast<unsigned char>(line_[i]);
      if (c < 0x20 || c > 0x7e) return Napi::Number::New(env, -1);
    }
    const size_t before = out_.size();
    const bool rendered = render_repeat(repeat->second, line_.data(), length, info[2].As<Napi::Number>().DoubleValue(),
                                        info[3].As<Napi::Number>().Int64Value(), out_, false);
    return Napi::Number::New(env, rendered ? static_cast<double>(out_.size() - before) : -1);
  }

  Napi::Value Take(const Napi::CallbackInfo &info) {
    auto *taken = new std::string(std::move(out_));
    out_.clear();
    const auto release = [](Napi::Env, char *, std::string *owned) { delete owned; };
    return Napi::Buffer<char>::New(info.Env(), taken->data(), taken->size(), release, taken);
  }

  TemplateMap templates_;
  std::vector<char> line_;
  std::string out_;
};

}  // namespace

Napi::Function define_late_renderer(Napi::Env env) { return LateRenderer::Define(env); }

}  // namespace scan
