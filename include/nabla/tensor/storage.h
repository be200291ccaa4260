#pragma once
// Storage: a refcounted, 64-byte aligned buffer shared by a tensor and its views.
// Buffers come from a size-bucketed cache, so a training step that allocates the same
// temporaries every iteration stops calling malloc after the first one.
#include <cstddef>
#include <cstdint>
#include <memory>

namespace nabla {

class Storage {
 public:
  explicit Storage(size_t nbytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }

  // Bumped by every in-place write; autograd compares it with the value recorded when
  // a tensor was saved for backward, to refuse gradients computed from stale data.
  uint32_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_;
  size_t nbytes_;
  uint32_t version_ = 0;
};

// Returns every cached buffer to the system.
void empty_cache();

}  // namespace nabla
