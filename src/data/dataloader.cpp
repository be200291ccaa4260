#include "nabla/data/dataloader.h"

#include <algorithm>

#include "nabla/autograd/grad_mode.h"
#include "nabla/tensor/factory.h"
#include "nabla/tensor/random.h"
#include "src/data/prefetcher.h"

namespace nabla::data {

// One iteration over one epoch: the sample order, the batch the iterators point at, and
// either the index of the next batch to build or the thread building it.
struct DataLoader::Pass {
  Pass(DataLoader& loader, Tensor order)
      : loader(loader),
        dataset(loader.dataset_),
        epoch(loader.epoch_),
        order(std::move(order)),
        batch_size(loader.options_.batch_size),
        num_batches(loader.size()) {}

  // Batch b: the samples at order[b * batch_size, ...), at most batch_size of them.
  // The prefetch thread calls this, so it reads only what no one changes during the pass.
  Example make(int64_t b) const {
    const int64_t start = b * batch_size;
    NoGradGuard no_grad;
    return dataset->get_batch(order.narrow(0, start, std::min(batch_size, order.numel() - start)));
  }

  // Moves to the next batch; after the last one, the loader's epoch advances. A batch that
  // throws ends the pass where it is, leaving the epoch as it was.
  void advance() {
    std::optional<Example> batch;
    try {
      if (prefetcher) {
        batch = prefetcher->next();
      } else if (next < num_batches) {
        batch = make(next++);
      }
    } catch (...) {
      finish();
      throw;
    }
    if (batch) {
      current = std::move(*batch);
      return;
    }
    finish();
    loader.epoch_ = epoch + 1;
  }

  void finish() {
    done = true;
    current = {};
    prefetcher.reset();
  }

  DataLoader& loader;
  SharedDataset dataset;  // the prefetch thread's own reference
  int64_t epoch;
  Tensor order;
  int64_t batch_size;
  int64_t num_batches;
  int64_t next = 0;
  std::unique_ptr<detail::Prefetcher> prefetcher;
  Example current;
  bool done = false;
};

namespace {

uint64_t seed_or_draw(std::optional<uint64_t> seed) { return seed ? *seed : default_generator().next_u64(); }

}  // namespace

DataLoader::DataLoader(SharedDataset dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options), seed_(seed_or_draw(options.seed)) {
  NABLA_CHECK(options.batch_size > 0, "DataLoader", "batch_size must be positive, got ", options.batch_size);
}

int64_t DataLoader::size() const {
  const int64_t n = dataset_->size(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

void DataLoader::set_epoch(int64_t epoch) {
  NABLA_CHECK(epoch >= 0, "DataLoader::set_epoch", "epoch must be non-negative, got ", epoch);
  epoch_ = epoch;
}

Tensor DataLoader::order() const {
  const int64_t n = dataset_->size();
  if (!options_.shuffle) return arange(0, static_cast<double>(n), 1, {.dtype = kInt64});
  // Unsigned wrap-around keeps every (seed, epoch) pair well defined.
  Generator generator(seed_ + static_cast<uint64_t>(epoch_));
  return randperm(n, generator);
}

DataLoader::Iterator DataLoader::begin() {
  auto pass = std::make_shared<Pass>(*this, order());
  if (options_.prefetch)
    pass->prefetcher = std::make_unique<detail::Prefetcher>(
        [p = pass.get()](int64_t b) { return p->make(b); }, pass->num_batches);
  pass->advance();
  return Iterator(std::move(pass));
}

const Example& DataLoader::Iterator::operator*() const {
  NABLA_CHECK(pass_ && !pass_->done, "DataLoader::Iterator", "dereferencing an iterator past the last batch");
  return pass_->current;
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  NABLA_CHECK(pass_ && !pass_->done, "DataLoader::Iterator", "incrementing an iterator past the last batch");
  pass_->advance();
  return *this;
}

bool DataLoader::Iterator::operator==(Sentinel) const { return !pass_ || pass_->done; }

}  // namespace nabla::data
