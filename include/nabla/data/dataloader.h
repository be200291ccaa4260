#pragma once
// torch.utils.data.DataLoader: batches of a dataset, in order or reshuffled every epoch.
//
//   data::DataLoader loader(data::TensorDataset(x, y), {.batch_size = 32, .shuffle = true, .seed = 0});
//   for (int epoch = 0; epoch < 10; ++epoch)
//     for (const auto& [input, target] : loader) { ... }  // input [32, F], target [32]
//
// Epoch e's order depends only on the seed and e (the permutation drawn from a generator
// seeded with seed + e, like DistributedSampler's), so a run resumed at epoch e calls
// set_epoch(e) and sees the batches it would have seen. Each iteration that runs to the end
// advances the epoch by one; one left early (a break, or a batch that throws, which ends the
// iteration) does not, and the next replays it.
//
// Every batch is new memory, detached from any graph: in-place changes to one batch reach
// neither the dataset nor another batch. Iterators refer to their loader, which must outlive
// them and stay where it is while they are in use.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>

#include "nabla/data/dataset.h"

namespace nabla::data {

struct DataLoaderOptions {
  int64_t batch_size = 1;
  bool shuffle = false;
  // The last batch is smaller when batch_size does not divide the dataset's size; drop_last
  // leaves it out.
  bool drop_last = false;
  // The shuffling seed; without one, a seed is drawn from the global generator when the loader
  // is built (so manual_seed makes the run repeatable). seed() says which one is used.
  std::optional<uint64_t> seed{};
  // Prepare batches on one background thread, at most two ahead of the consumer. Exceptions
  // the dataset throws there reach the consumer at the batch that failed. The thread stops
  // and is joined when the iteration ends or its iterator is destroyed (a break). The
  // dataset's get/get_batch must then be safe to call from another thread (TensorDataset's
  // and Subset's are).
  bool prefetch = false;
};

class DataLoader {
 public:
  class Iterator;
  // end(): compares equal to an iterator that has passed the last batch.
  struct Sentinel {};

  explicit DataLoader(SharedDataset dataset, DataLoaderOptions options = {});

  // Starts an iteration over epoch(), building the first batch (or starting the thread).
  Iterator begin();
  Sentinel end() const { return {}; }

  // Batches per epoch.
  int64_t size() const;
  const Dataset& dataset() const { return *dataset_; }
  const SharedDataset& shared_dataset() const { return dataset_; }
  const DataLoaderOptions& options() const { return options_; }
  uint64_t seed() const { return seed_; }
  // The order in which the next iteration visits the samples: their indices, int64 [size of
  // the dataset]. A data-parallel Trainer splits it among the processes.
  Tensor order() const;
  // The epoch the next iteration will run.
  int64_t epoch() const { return epoch_; }
  void set_epoch(int64_t epoch);

 private:
  struct Pass;

  SharedDataset dataset_;
  DataLoaderOptions options_;
  uint64_t seed_;
  int64_t epoch_ = 0;
};

// An input iterator: copies share one position, and incrementing one moves them all.
class DataLoader::Iterator {
 public:
  using iterator_concept = std::input_iterator_tag;
  using value_type = Example;
  using difference_type = std::ptrdiff_t;

  Iterator() = default;
  const Example& operator*() const;
  const Example* operator->() const { return &**this; }
  Iterator& operator++();
  void operator++(int) { ++*this; }
  bool operator==(Sentinel) const;

 private:
  friend class DataLoader;
  explicit Iterator(std::shared_ptr<Pass> pass) : pass_(std::move(pass)) {}
  std::shared_ptr<Pass> pass_;
};

}  // namespace nabla::data
