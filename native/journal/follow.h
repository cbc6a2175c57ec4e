// The reader thread: opens the journal, positions it, and hands entries over in batches.
#pragma once

#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace journal {

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

// The thread's body: runs until the end (without follow), an error, or `stopping`; sends 'ready',
// 'lines', 'error' and finally 'end' through `deliver`, then releases it.
void follow(Shared &shared);

}  // namespace journal
