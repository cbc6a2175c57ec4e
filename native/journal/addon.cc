// Node addon: follows the systemd journal on a thread of its own by reading the journal files
// (sd-journal), so an entry is seen within the poll interval of journald writing it, not when
// journald next wakes its followers (at most every 250 ms). Each entry is handed over as the line
// `journalctl --output=json --output-fields=FIELDS` prints (entry-json.cc).
//   const reader = new JournalReader({ fields, matches, directory, after, start, follow, pollMs,
//                                      idlePollMs, busyForMs }, (kind, value) => ...);
// It looks every pollMs for busyForMs after the last entry it read, then every idlePollMs (each
// look is a wake-up: at 100 a second they cost this VM ~8 ms of CPU a second).
//   kind 'ready' (value: the cursor following starts after, or undefined), 'lines' (value: the
//   entries' lines joined by \n; call reader.ack() once consumed), 'error' (value: one line),
//   'end' (the thread is done: after 'error', at the end without follow, or after stop()).
#include <napi.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "follow.h"

namespace {

using journal::Options;
using journal::Shared;

std::vector<std::string> string_list(Napi::Env env, Napi::Value value, const char *what) {
  std::vector<std::string> list;
  if (value.IsUndefined()) return list;
  if (!value.IsArray()) throw Napi::TypeError::New(env, std::string("JournalReader: ") + what + " must be an array");
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsString()) throw Napi::TypeError::New(env, std::string("JournalReader: ") + what + " must hold strings");
    list.push_back(item.As<Napi::String>().Utf8Value());
  }
  return list;
}

// An optional option in milliseconds (1 to 60,000), as microseconds.
uint64_t milliseconds(Napi::Env env, Napi::Object given, const char *name, uint64_t default_usec) {
  Napi::Value value = given.Get(name);
  if (value.IsUndefined()) return default_usec;
  const double ms = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : 0;
  if (!(ms >= 1 && ms <= 60000))
    throw Napi::RangeError::New(env, std::string("JournalReader: ") + name + " must be 1 to 60000");
  return static_cast<uint64_t>(ms * 1000);
}

class JournalReader : public Napi::ObjectWrap<JournalReader> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "JournalReader",
                       {InstanceMethod("ack", &JournalReader::Ack), InstanceMethod("stop", &JournalReader::Stop)});
  }

  explicit JournalReader(const Napi::CallbackInfo &info)
      : Napi::ObjectWrap<JournalReader>(info), shared_(std::make_shared<Shared>()) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction())
      throw Napi::TypeError::New(env, "JournalReader(options, onEvent): wrong arguments");
    Napi::Object given = info[0].As<Napi::Object>();
    Options &options = shared_->options;
    options.fields = string_list(env, given.Get("fields"), "fields");
    options.matches = string_list(env, given.Get("matches"), "matches");
    if (given.Get("directory").IsString()) options.directory = given.Get("directory").As<Napi::String>().Utf8Value();
    if (given.Get("after").IsString()) options.after = given.Get("after").As<Napi::String>().Utf8Value();
    options.from_head = given.Get("start").IsString() && given.Get("start").As<Napi::String>().Utf8Value() == "head";
    options.follow = !given.Get("follow").IsBoolean() || given.Get("follow").As<Napi::Boolean>().Value();
    options.poll_usec = milliseconds(env, given, "pollMs", options.poll_usec);
    options.idle_poll_usec = milliseconds(env, given, "idlePollMs", options.idle_poll_usec);
    options.busy_for_usec = milliseconds(env, given, "busyForMs", options.busy_for_usec);
    std::shared_ptr<Shared> shared = shared_;
    shared_->deliver = Napi::ThreadSafeFunction::New(
        env, info[1].As<Napi::Function>(), "journal-reader", 0, 1,
        // After the thread's Release, or when Node tears the environment down (process.exit) with
        // the thread still following: then it must stop before it is joined.
        [shared](Napi::Env) {
          shared->stopping.store(true);
          {
            std::lock_guard<std::mutex> lock(shared->mutex);
          }
          shared->acknowledged.notify_one();
          if (shared->thread.joinable()) shared->thread.join();
        });
    shared_->thread = std::thread([shared] { journal::follow(*shared); });
  }

 private:
  Napi::Value Ack(const Napi::CallbackInfo &info) {
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      if (shared_->unacknowledged > 0) shared_->unacknowledged--;
    }
    shared_->acknowledged.notify_one();
    return info.Env().Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo &info) {
    shared_->stopping.store(true);
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
    }
    shared_->acknowledged.notify_one();
    return info.Env().Undefined();
  }

  std::shared_ptr<Shared> shared_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("JournalReader", JournalReader::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(journal, Init)
