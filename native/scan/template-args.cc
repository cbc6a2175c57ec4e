#include "template-args.h"

#include <string>

namespace scan {
namespace {

// The members' names as JavaScript strings, made once per call rather than once per member read
// (a read by C name makes and internalises the name's string every time).
struct MemberNames {
  explicit MemberNames(Napi::Env env)
      : key(Napi::String::New(env, "key")),
        tail(Napi::String::New(env, "tail")),
        before(Napi::String::New(env, "before")),
        after_time(Napi::String::New(env, "afterTime")),
        pid(Napi::String::New(env, "pid")),
        after_pid(Napi::String::New(env, "afterPid")) {}
  Napi::String key;
  Napi::String tail;
  Napi::String before;
  Napi::String after_time;
  Napi::String pid;
  Napi::String after_pid;
};

}  // namespace

void take_templates(Napi::Value value, TemplateMap &templates, const char *who) {
  Napi::Env env = value.Env();
  const auto fail = [&](const char *what) { return Napi::TypeError::New(env, std::string(who) + ": " + what); };
  if (!value.IsArray()) throw fail("templates must be an array");
  Napi::Array items = value.As<Napi::Array>();
  const uint32_t count = items.Length();
  if (count == 0) return;
  const MemberNames names(env);
  const auto text = [&](Napi::Value member, const char *name) {
    if (!member.IsString()) throw fail((std::string("template ") + name + " must be a string").c_str());
    return member.As<Napi::String>().Utf8Value();
  };
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value item = items.Get(i);
    if (!item.IsObject()) throw fail("every template must be an object");
    Napi::Object from = item.As<Napi::Object>();
    Napi::Value key = from.Get(names.key);
    if (!key.IsNumber() || key.As<Napi::Number>().DoubleValue() < 1) {
      throw fail("a template's key must be a key number");
    }
    const uint32_t number = key.As<Napi::Number>().Uint32Value();
    Napi::Value tail = from.Get(names.tail);
    const bool has_tail = tail.IsBuffer();
    if (!has_tail && !tail.IsNull()) throw fail("a template's tail must be a Buffer or null");
    Napi::Value before = from.Get(names.before);
    // Without `before`: the tail of a key given earlier (its suggestions have come).
    if (before.IsUndefined()) {
      const auto known = templates.find(number);
      if (known != templates.end() && has_tail) {
        Napi::Buffer<char> bytes = tail.As<Napi::Buffer<char>>();
        known->second.tail.assign(bytes.Data(), bytes.Length());
      }
      continue;
    }
    RepeatTemplate repeat;
    repeat.before = text(before, "before");
    repeat.after_time = text(from.Get(names.after_time), "afterTime");
    Napi::Value pid = from.Get(names.pid);
    repeat.fixed_pid = !pid.IsNull();
    if (repeat.fixed_pid) repeat.pid = text(pid, "pid");
    repeat.after_pid = text(from.Get(names.after_pid), "afterPid");
    if (has_tail) {
      Napi::Buffer<char> bytes = tail.As<Napi::Buffer<char>>();
      repeat.tail.assign(bytes.Data(), bytes.Length());
    }
    if (templates.size() >= kTemplatesKept) templates.clear();
    templates[number] = std::move(repeat);
  }
}

}  // namespace scan
