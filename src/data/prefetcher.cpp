#include "src/data/prefetcher.h"

#include <utility>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/threading.h"

namespace nabla::data::detail {

Prefetcher::Prefetcher(std::function<Example(int64_t)> make, int64_t count)
    : make_(std::move(make)), count_(count), thread_([this] { run(); }) {}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::optional<Example> Prefetcher::next() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return ready_ || finished_; });
  if (ready_) {
    std::optional<Example> batch = std::move(ready_);
    ready_.reset();
    cv_.notify_all();
    return batch;
  }
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  return std::nullopt;
}

void Prefetcher::run() {
  // Copies are memory-bound; on one thread they overlap the training step's work instead of
  // competing for its cores (OpenMP's thread count is per thread, so this one only).
  set_num_threads(1);
  // Grad mode is per thread too: batches are plain data, never part of a graph.
  NoGradGuard no_grad;
  for (int64_t b = 0; b < count_; ++b) {
    std::optional<Example> batch;
    std::exception_ptr error;
    try {
      batch = make_(b);
    } catch (...) {
      error = std::current_exception();
    }
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !ready_ || stop_; });
    if (stop_) return;
    if (error) {
      error_ = error;
      finished_ = true;
      cv_.notify_all();
      return;
    }
    ready_ = std::move(batch);
    cv_.notify_all();
  }
  std::lock_guard lock(mu_);
  finished_ = true;
  cv_.notify_all();
}

}  // namespace nabla::data::detail
