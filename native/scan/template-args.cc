#include "template-args.h"

#include <string>

namespace scan {

void take_templates(Napi::Value value, TemplateMap &templates, const char *who) {
  Napi::Env env = value.Env();
  const std::string prefix = std::string(who) + ": ";
  if (!value.IsArray()) throw Napi::TypeError::New(env, prefix + "templates must be an array");
  Napi::Array items = value.As<Napi::Array>();
  const auto text = [&](Napi::Object from, const char *name) {
    Napi::Value member = from.Get(name);
    if (!member.IsString()) {
      throw Napi::TypeError::New(env, prefix + "template " + name + " must be a string");
    }
    return member.As<Napi::String>().Utf8Value();
  };
  for (uint32_t i = 0; i < items.Length(); i++) {
    Napi::Value item = items.Get(i);
    if (!item.IsObject()) throw Napi::TypeError::New(env, prefix + "every template must be an object");
    Napi::Object from = item.As<Napi::Object>();
    Napi::Value key = from.Get("key");
    if (!key.IsNumber() || key.As<Napi::Number>().DoubleValue() < 1) {
      throw Napi::TypeError::New(env, prefix + "a template's key must be a key number");
    }
    const uint32_t number = key.As<Napi::Number>().Uint32Value();
    Napi::Value tail = from.Get("tail");
    if (!tail.IsNull() && !tail.IsBuffer()) {
      throw Napi::TypeError::New(env, prefix + "a template's tail must be a Buffer or null");
    }
    // Without `before`: the tail of a key given earlier (its suggestions have come).
    if (from.Get("before").IsUndefined()) {
      const auto known = templates.find(number);
      if (known != templates.end() && tail.IsBuffer()) {
        Napi::Buffer<char> bytes = tail.As<Napi::Buffer<char>>();
        known->second.tail.assign(bytes.Data(), bytes.Length());
      }
      continue;
    }
    RepeatTemplate repeat;
    repeat.before = text(from, "before");
    repeat.after_time = text(from, "afterTime");
    repeat.fixed_pid = !from.Get("pid").IsNull();
    if (repeat.fixed_pid) repeat.pid = text(from, "pid");
    repeat.after_pid = text(from, "afterPid");
    if (tail.IsBuffer()) {
      Napi::Buffer<char> bytes = tail.As<Napi::Buffer<char>>();
      repeat.tail.assign(bytes.Data(), bytes.Length());
    }
    if (templates.size() >= kTemplatesKept) templates.clear();
    templates[number] = std::move(repeat);
  }
}

}  // namespace scan
