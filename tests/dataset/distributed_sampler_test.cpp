// DistributedSampler: shards that partition each epoch (padded or cut to equal sizes), the
// same order on every rank, a new order per epoch, and bad options.
#include "nabla/data/distributed_sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "nabla/tensor/error.h"

namespace nabla::data {
namespace {

std::vector<std::vector<int64_t>> shards(int64_t n, DistributedSamplerOptions options, int64_t epoch = 0) {
  std::vector<std::vector<int64_t>> all;
  for (int64_t r = 0; r < options.num_replicas; ++r) {
    options.rank = r;
    DistributedSampler sampler(n, options);
    sampler.set_epoch(epoch);
    all.push_back(sampler.indices());
    EXPECT_EQ(static_cast<int64_t>(all.back().size()), sampler.size());
  }
  return all;
}

std::vector<int64_t> sorted_union(const std::vector<std::vector<int64_t>>& parts) {
  std::vector<int64_t> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  std::sort(all.begin(), all.end());
  return all;
}

TEST(DistributedSampler, ShardsPartitionTheEpoch) {
  const auto parts = shards(12, {.num_replicas = 3, .seed = 7});
  std::vector<int64_t> expected(12);
  for (int64_t i = 0; i < 12; ++i) expected[static_cast<size_t>(i)] = i;
  EXPECT_EQ(sorted_union(parts), expected);
  EXPECT_EQ(parts[0].size(), 4u);
}

TEST(DistributedSampler, RanksInterleaveOnePermutation) {
  // Rank r takes positions r, r + R, ... of the permutation all ranks draw alike.
  const auto one = shards(10, {.num_replicas = 1, .seed = 3})[0];
  const auto two = shards(10, {.num_replicas = 2, .seed = 3});
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(two[0][i], one[2 * i]);
    EXPECT_EQ(two[1][i], one[2 * i + 1]);
  }
}

TEST(DistributedSampler, PadsByRepeatingTheStart) {
  const auto one = shards(10, {.num_replicas = 1, .seed = 1})[0];
  const auto parts = shards(10, {.num_replicas = 4, .seed = 1});  // 3 each: 12 = 10 + 2 repeated
  for (const auto& p : parts) EXPECT_EQ(p.size(), 3u);
  EXPECT_EQ(parts[2][2], one[0]);
  EXPECT_EQ(parts[3][2], one[1]);
  // More replicas than samples: the order wraps around as often as needed.
  const auto many = shards(2, {.num_replicas = 5, .shuffle = false});
  EXPECT_EQ(many, (std::vector<std::vector<int64_t>>{{0}, {1}, {0}, {1}, {0}}));
}

TEST(DistributedSampler, DropLastCutsTheTail) {
  const auto one = shards(10, {.num_replicas = 1, .seed = 1})[0];
  const auto parts = shards(10, {.num_replicas = 4, .seed = 1, .drop_last = true});
  const std::vector<int64_t> first8(one.begin(), one.begin() + 8);
  std::vector<int64_t> expected = first8;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted_union(parts), expected);
}

TEST(DistributedSampler, EpochChangesTheOrderAndSeedFixesIt) {
  EXPECT_NE(shards(50, {.num_replicas = 2, .seed = 4}, 0), shards(50, {.num_replicas = 2, .seed = 4}, 1));
  EXPECT_EQ(shards(50, {.num_replicas = 2, .seed = 4}, 1), shards(50, {.num_replicas = 2, .seed = 4}, 1));
  EXPECT_NE(shards(50, {.num_replicas = 2, .seed = 4}, 1), shards(50, {.num_replicas = 2, .seed = 5}, 1));
  EXPECT_EQ(shards(5, {.num_replicas = 2, .shuffle = false})[0], (std::vector<int64_t>{0, 2, 4}));
}

TEST(DistributedSampler, BadOptionsThrow) {
  EXPECT_THROW(DistributedSampler(10, {.num_replicas = 0}), Error);
  EXPECT_THROW(DistributedSampler(10, {.num_replicas = 2, .rank = 2}), Error);
  EXPECT_THROW(DistributedSampler(10, {.num_replicas = 2, .rank = -1}), Error);
  EXPECT_THROW(DistributedSampler(0, {}), Error);
  EXPECT_THROW(DistributedSampler(1, {.num_replicas = 2, .drop_last = true}), Error);
  DistributedSampler sampler(4);
  EXPECT_THROW(sampler.set_epoch(-1), Error);
}

}  // namespace
}  // namespace nabla::data
