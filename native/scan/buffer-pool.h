// Byte strings recycled across chunks. A chunk's rendered lines and text are lent to JavaScript
// as Buffers; once a Buffer is collected, or JavaScript gives it back early (recycle), its string
// comes back here with its capacity, and a later chunk writes into memory that is already mapped
// instead of faulting in fresh pages (a chunk's output is megabytes, and glibc gives large blocks
// back to the system when freed). Thread-safe: worker threads take, the main thread lends and
// takes back.
#ifndef SNAPPY_DEBUG_BUFFER_POOL_H
#define SNAPPY_DEBUG_BUFFER_POOL_H

#include <napi.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace scan {

class BufferPool : public std::enable_shared_from_this<BufferPool> {
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
    std::lock_guard<std::mutex> lock(mutex_);
    keep(std::move(bytes));
  }

  // A Buffer over `bytes`, which come back here when JavaScript has collected it or recycles it.
  // Until then they are never written again.
  Napi::Buffer<char> lend(Napi::Env env, std::string &&bytes) {
    auto *lent = new Lent{shared_from_this(), std::move(bytes)};
    if (!lent->bytes.empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      lent_[lent->bytes.data()] = lent;
    }
    const auto collected = [](Napi::Env, char *data, Lent *done) {
      done->pool->returned(data, done);
      delete done;
    };
    return Napi::Buffer<char>::New(env, lent->bytes.data(), lent->bytes.size(), collected, lent);
  }

  // Takes back early the bytes of a Buffer lend() made (JavaScript promises never to read it or a
  // view of it again); false when `data` is not such a Buffer's, or was taken back already.
  bool recycle(const char *data) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = lent_.find(data);
    if (found == lent_.end()) return false;
    keep(std::move(found->second->bytes));
    lent_.erase(found);
    return true;
  }

  // How many take() calls were served from given-back memory (for tests).
  size_t taken_back() {
    std::lock_guard<std::mutex> lock(mutex_);
    return taken_back_;
  }

 private:
  struct Lent {
    std::shared_ptr<BufferPool> pool;
    std::string bytes;
  };

  static constexpr size_t kKept = 6;
  static constexpr size_t kWorthKeeping = 4096;
  static constexpr size_t kLargestKept = size_t{64} << 20;

  // The Buffer over `lent` was collected: its bytes come back, unless recycled already.
  void returned(const char *data, Lent *lent) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = lent_.find(data);
    if (found == lent_.end() || found->second != lent) return;
    lent_.erase(found);
    keep(std::move(lent->bytes));
  }

  void keep(std::string &&bytes) {
    if (bytes.capacity() < kWorthKeeping || bytes.capacity() > kLargestKept || free_.size() >= kKept) return;
    free_.push_back(std::move(bytes));
  }

  std::mutex mutex_;
  std::vector<std::string> free_;
  // The bytes lent out, by where they start.
  std::unordered_map<const char *, Lent *> lent_;
  size_t taken_back_ = 0;
};

}  // namespace scan

#endif
