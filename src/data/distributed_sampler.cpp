#include "nabla/data/distributed_sampler.h"

#include "nabla/tensor/error.h"
#include "nabla/tensor/random.h"

namespace nabla::data {

DistributedSampler::DistributedSampler(int64_t dataset_size, DistributedSamplerOptions options)
    : dataset_size_(dataset_size), options_(options) {
  NABLA_CHECK(options.num_replicas > 0, "DistributedSampler", "num_replicas must be positive, got ",
              options.num_replicas);
  NABLA_CHECK(options.rank >= 0 && options.rank < options.num_replicas, "DistributedSampler", "rank ",
              options.rank, " is outside [0, ", options.num_replicas, ")");
  NABLA_CHECK(dataset_size > 0, "DistributedSampler", "the data set is empty");
  NABLA_CHECK(!options.drop_last || dataset_size >= options.num_replicas, "DistributedSampler",
              "drop_last leaves no samples: ", dataset_size, " samples for ", options.num_replicas,
              " replicas");
  const int64_t n = dataset_size, r = options.num_replicas;
  num_samples_ = options.drop_last ? n / r : (n + r - 1) / r;
}

void DistributedSampler::set_epoch(int64_t epoch) {
  NABLA_CHECK(epoch >= 0, "DistributedSampler::set_epoch", "epoch must be non-negative, got ", epoch);
  epoch_ = epoch;
}

std::vector<int64_t> DistributedSampler::indices() const {
  std::vector<int64_t> order;
  if (options_.shuffle) {
    // Unsigned wrap-around keeps every (seed, epoch) pair well defined.
    Generator generator(options_.seed + static_cast<uint64_t>(epoch_));
    order = randperm(dataset_size_, generator).to_vector<int64_t>();
  } else {
    order.resize(static_cast<size_t>(dataset_size_));
    for (int64_t i = 0; i < dataset_size_; ++i) order[static_cast<size_t>(i)] = i;
  }
  const int64_t total = num_samples_ * options_.num_replicas;
  std::vector<int64_t> mine;
  mine.reserve(static_cast<size_t>(num_samples_));
  // Padding wraps around the order as often as needed (more replicas than samples).
  for (int64_t i = options_.rank; i < total; i += options_.num_replicas)
    mine.push_back(order[static_cast<size_t>(i % dataset_size_)]);
  return mine;
}

}  // namespace nabla::data
