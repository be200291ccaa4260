#pragma once
// Runs make(0), make(1), ..., make(count - 1) on one background thread, holding at most one
// finished batch while the consumer works on the previous one.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "nabla/data/dataset.h"

namespace nabla::data::detail {

class Prefetcher {
 public:
  Prefetcher(std::function<Example(int64_t)> make, int64_t count);
  // Stops the thread after the batch it is building, and joins it.
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // The next batch in order, nullopt after the last; rethrows what make threw, at the batch
  // that failed.
  std::optional<Example> next();

 private:
  void run();

  std::function<Example(int64_t)> make_;
  int64_t count_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Example> ready_;
  std::exception_ptr error_;
  bool finished_ = false;  // the thread has put its last batch or its error
  bool stop_ = false;
  std::thread thread_;  // last: starts once everything above is initialised
};

}  // namespace nabla::data::detail
