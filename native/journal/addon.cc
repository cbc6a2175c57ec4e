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

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <pthread.h>
#include <time.h>
#include <string>
#include <thread>
#include <vector>

#include <systemd/sd-journal.h>

#include "entry-json.h"

namespace {

// Batches handed over and not yet acknowledged, at most: the thread waits beyond that (journald
// keeps what is not read yet), so a slow consumer bounds our memory, not the journal's rate.
constexpr int kMaxUnacknowledged = 2;
constexpr size_t kMaxBatchEntries = 1024;

struct Options {
  std::vector<std::string> fields;
  std::vector<std::string> matches;
  std::string directory;
  std::string after;  // a cursor: start after this entry
  bool from_head = false;
  bool follow = true;
  uint64_t poll_usec = 10000;
  uint64_t idle_poll_usec = 100000;
  uint64_t busy_for_usec = 2000000;
};

struct Event {
  std::string kind;
  std::string text;
  bool has_text = false;
};

struct Shared {
  Options options;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable acknowledged;
  int unacknowledged = 0;
  std::thread thread;
  Napi::ThreadSafeFunction deliver;
};

std::string errno_text(int negative_errno) { return strerror(-negative_errno); }

uint64_t monotonic_usec() {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000 + static_cast<uint64_t>(now.tv_nsec) / 1000;
}

void send(Shared &shared, Event *event) {
  if (shared.deliver.NonBlockingCall(event, [](Napi::Env env, Napi::Function callback, Event *e) {
        Napi::Value value = e->has_text ? Napi::String::New(env, e->text) : env.Undefined();
        std::unique_ptr<Event> owned(e);
        callback.Call({Napi::String::New(env, owned->kind), value});
      }) != napi_ok)
    delete event;
}

void send_text(Shared &shared, const char *kind, std::string text) {
  send(shared, new Event{kind, std::move(text), true});
}

// Waits until the consumer has room for one more batch; false when stopping.
bool wait_for_room(Shared &shared) {
  std::unique_lock<std::mutex> lock(shared.mutex);
  shared.acknowledged.wait(lock, [&] {
    return shared.stopping.load() || shared.unacknowledged < kMaxUnacknowledged;
  });
  if (shared.stopping.load()) return false;
  shared.unacknowledged++;
  return true;
}

int open_journal(const Options &options, sd_journal **journal, std::string &error) {
  int r = options.directory.empty() ? sd_journal_open(journal, SD_JOURNAL_LOCAL_ONLY)
                                    : sd_journal_open_directory(journal, options.directory.c_str(), 0);
  if (r < 0) {
    error = options.directory.empty() ? "cannot open the journal: " + errno_text(r)
                                      : "cannot open journal directory " + options.directory + ": " + errno_text(r);
    return r;
  }
  for (const std::string &match : options.matches) {
    r = sd_journal_add_match(*journal, match.data(), match.size());
    if (r < 0) {
      error = "cannot add journal match " + match + ": " + errno_text(r);
      return r;
    }
  }
  // Fields longer than this are printed as null: no need to decompress more of them.
  sd_journal_set_data_threshold(*journal, journal::kJsonThreshold);
  return 0;
}

// Positions the journal; `pending` is set when the entry now current is still to be delivered.
int position(sd_journal *journal, const Options &options, bool &pending, std::string &ready_cursor) {
  pending = false;
  if (!options.after.empty()) {
    int r = sd_journal_seek_cursor(journal, options.after.c_str());
    if (r < 0) return r;
    r = sd_journal_next(journal);
    if (r < 0) return r;
    // The cursor's own entry is already delivered; when it is gone (vacuumed), this one is not.
    if (r > 0) pending = sd_journal_test_cursor(journal, options.after.c_str()) <= 0;
    ready_cursor = options.after;
    return 0;
  }
  if (!options.from_head) {
    int r = sd_journal_seek_tail(journal);
    if (r < 0) return r;
    r = sd_journal_previous(journal);
    if (r < 0) return r;
    if (r > 0) {
      char *cursor = nullptr;
      r = sd_journal_get_cursor(journal, &cursor);
      if (r < 0) return r;
      ready_cursor = cursor;
      free(cursor);
      return 0;
    }
  }
  return sd_journal_seek_head(journal);
}

void follow(Shared &shared) {
  // Its own name in /proc/PID/task/*/comm: its CPU can be told apart from the main thread's.
  pthread_setname_np(pthread_self(), "journal-reader");
  const Options &options = shared.options;
  sd_journal *journal = nullptr;
  std::string error;
  bool pending = false;
  std::string ready_cursor;
  int r = open_journal(options, &journal, error);
  if (r >= 0) {
    r = position(journal, options, pending, ready_cursor);
    if (r < 0) error = "cannot find the journal's position: " + errno_text(r);
  }
  if (r < 0) {
    send_text(shared, "error", error);
  } else {
    send(shared, ready_cursor.empty() ? new Event{"ready", "", false} : new Event{"ready", ready_cursor, true});
    std::string batch;
    size_t entries = 0;
    uint64_t last_entry_at = 0;  // idle until the first entry
    while (!shared.stopping.load()) {
      r = pending ? 1 : sd_journal_next(journal);
      pending = false;
      if (r < 0) {
        send_text(shared, "error", "cannot read the journal: " + errno_text(r));
        break;
      }
      if (r > 0) {
        const size_t mark = batch.size();
        if (entries > 0) batch.push_back('\n');
        const int entry = journal::append_entry_json(batch, journal, options.fields);
        if (entry == -EBADMSG || entry == -EADDRNOTAVAIL) {
          batch.resize(mark);  // unreadable (torn or corrupt): skipped, as journalctl does
          continue;
        }
        if (entry < 0) {
          send_text(shared, "error", "cannot read a journal entry: " + errno_text(entry));
          break;
        }
        last_entry_at = monotonic_usec();
        if (++entries < kMaxBatchEntries) continue;
      }
      if (entries > 0) {
        if (!wait_for_room(shared)) break;
        send_text(shared, "lines", std::move(batch));
        batch.clear();
        entries = 0;
      }
      if (r > 0) continue;
      if (!options.follow) break;
      // Wakes early on inotify (a new or rotated file), else after the interval; then looks again.
      const bool busy = monotonic_usec() - last_entry_at < options.busy_for_usec;
      r = sd_journal_wait(journal, busy ? options.poll_usec : options.idle_poll_usec);
      if (r < 0) {
        send_text(shared, "error", "cannot wait for the journal: " + errno_text(r));
        break;
      }
    }
  }
  if (journal != nullptr) sd_journal_close(journal);
  send(shared, new Event{"end", "", false});
  shared.deliver.Release();
}

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
    shared_->thread = std::thread([shared] { follow(*shared); });
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
