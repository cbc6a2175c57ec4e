#include "follow.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <pthread.h>
#include <time.h>

#include <systemd/sd-journal.h>

#include "entry-json.h"

namespace journal {

namespace {

// Batches handed over and not yet acknowledged, at most: the thread waits beyond that (journald
// keeps what is not read yet), so a slow consumer bounds our memory, not the journal's rate.
constexpr int kMaxUnacknowledged = 2;
constexpr size_t kMaxBatchEntries = 1024;

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
  sd_journal_set_data_threshold(*journal, kJsonThreshold);
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

}  // namespace

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
        const int entry = append_entry_json(batch, journal, options.fields);
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

}  // namespace journal
