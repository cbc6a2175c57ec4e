// Byte strings recycled across chunks. A chunk's rendered lines and text are handed to
// JavaScript as Buffers; once a Buffer is collected its string comes back here with its capacity,
// and the next chunk writes into memory that is already mapped instead of faulting in fresh pages
// (a chunk's output is megabytes, and glibc gives large blocks back to the system when freed).
// Thread-safe: worker threads take, the main thread gives back from Buffer finalizers.
#ifndef SNAPPY_DEBUG_BUFFER_POOL_H
#define SNAPPY_DEBUG_BUFFER_POOL_H

#include <napi.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace scan {

class BufferPool {
 public:
  // An empty string: the roomiest one given back, when there is one.
  std::string take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return std::string();
    auto roomiest = free_.begin();
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      if (it->capacity() > roomiest->capacity()) roomiest = it;
    }
    std::string taken = std::move(*roomiest);
    free_.erase(roomiest);
    taken.clear();
    taken_back_++;
    return taken;
  }

  // Keeps `bytes`' memory for a later take(); too many or too large, it is freed.
  void give(std::string &&bytes) {
    if (bytes.capacity() < kWorthKeeping || bytes.capacity() > kLargestKept) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() >= kKept) return;
    free_.push_back(std::move(bytes));
  }

  // How many take() calls were served from given-back memory (for tests).
  size_t taken_back() {
    std::lock_guard<std::mutex> lock(mutex_);
    return taken_back_;
  }

 private:
  static constexpr size_t kKept = 6;
  static constexpr size_t kWorthKeeping = 4096;
  static constexpr size_t kLargestKept = size_t{64} << 20;

  std::mutex mutex_;
  std::vector<std::string> free_;
  size_t taken_back_ = 0;
};

// A Buffer over `bytes` that gives them back to `pool` when JavaScript has collected it. The
// bytes are never written again before that.
inline Napi::Buffer<char> pooled_buffer(Napi::Env env, const std::shared_ptr<BufferPool> &pool, std::string &&bytes) {
  struct Lent {
    std::shared_ptr<BufferPool> pool;
    std::string bytes;
  };
  auto *lent = new Lent{pool, std::move(bytes)};
  const auto give_back = [](Napi::Env, char *, Lent *done) {
    done->pool->give(std::move(done->bytes));
    delete done;
  };
  return Napi::Buffer<char>::New(env, lent->bytes.data(), lent->bytes.size(), give_back, lent);
}

}  // namespace scan

#endif
