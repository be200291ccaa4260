#include "nabla/tensor/storage.h"

#include <bit>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

namespace nabla {
namespace {

// Buffers are rounded up to a power of two (at least 64 bytes) and kept in one free list
// per size; buffers above kMaxCached bytes bypass the cache. The cache holds at most
// kMaxCachedTotal bytes so a one-off peak does not pin memory forever.
constexpr size_t kMinBytes = 64;
constexpr size_t kMaxCached = size_t{1} << 28;
constexpr size_t kMaxCachedTotal = size_t{1} << 31;
constexpr int kBuckets = 64;

class BufferCache {
 public:
  void* get(size_t bytes) {
    {
      std::lock_guard lock(mu_);
      auto& list = free_[bucket(bytes)];
      if (!list.empty()) {
        void* p = list.back();
        list.pop_back();
        cached_ -= bytes;
        return p;
      }
    }
    void* p = std::aligned_alloc(64, bytes);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void put(void* p, size_t bytes) {
    if (bytes <= kMaxCached) {
      std::lock_guard lock(mu_);
      if (cached_ + bytes <= kMaxCachedTotal) {
        free_[bucket(bytes)].push_back(p);
        cached_ += bytes;
        return;
      }
    }
    std::free(p);
  }
  void clear() {
    std::lock_guard lock(mu_);
    for (auto& list : free_) {
      for (void* p : list) std::free(p);
      list.clear();
    }
    cached_ = 0;
  }
  ~BufferCache() { clear(); }

 private:
  static int bucket(size_t bytes) { return std::countr_zero(bytes); }
  std::mutex mu_;
  std::vector<void*> free_[kBuckets];
  size_t cached_ = 0;
};

BufferCache& cache() {
  static BufferCache* c = new BufferCache;  // leaked: outlives static tensors at exit
  return *c;
}

size_t rounded(size_t nbytes) { return std::bit_ceil(std::max(nbytes, kMinBytes)); }

}  // namespace

Storage::Storage(size_t nbytes) : data_(cache().get(rounded(nbytes))), nbytes_(nbytes) {}

Storage::~Storage() { cache().put(data_, rounded(nbytes_)); }

void empty_cache() { cache().clear(); }

}  // namespace nabla
