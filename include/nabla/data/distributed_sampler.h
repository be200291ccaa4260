#pragma once
// torch.utils.data.distributed.DistributedSampler: each of num_replicas processes trains on its
// own shard of every epoch's (seeded, shuffled) sample order.
//
//   data::DistributedSampler sampler(dataset.size(), {.num_replicas = dist::world_size(),
//                                                     .rank = dist::rank(), .seed = 0});
//   for (int64_t epoch = 0; epoch < epochs; ++epoch) {
//     sampler.set_epoch(epoch);
//     data::DataLoader loader(data::Subset(dataset, sampler.indices()), {.batch_size = 32});
//     ...
//   }
//
// As in PyTorch, epoch e's order is one permutation drawn from a generator seeded with
// seed + e, the same on every process; it is padded by repeating its first samples (or, with
// drop_last, cut) to a multiple of num_replicas, and rank r takes positions r, r + num_replicas,
// ... so every process gets the same number of samples (collectives stay in step) and the
// shards together cover the data set.
#include <cstdint>
#include <vector>

namespace nabla::data {

struct DistributedSamplerOptions {
  int64_t num_replicas = 1;
  int64_t rank = 0;
  bool shuffle = true;
  uint64_t seed = 0;
  bool drop_last = false;  // cut the tail instead of padding
};

class DistributedSampler {
 public:
  DistributedSampler(int64_t dataset_size, DistributedSamplerOptions options = {});

  // This rank's indices into the data set for epoch().
  std::vector<int64_t> indices() const;
  // Samples per rank and epoch.
  int64_t size() const { return num_samples_; }
  int64_t epoch() const { return epoch_; }
  void set_epoch(int64_t epoch);

 private:
  int64_t dataset_size_;
  DistributedSamplerOptions options_;
  int64_t num_samples_;
  int64_t epoch_ = 0;
};

}  // namespace nabla::data
