// DataLoader: batching, drop_last, seeded shuffling per epoch, storage independence of
// batches, the get_batch fast path, and the prefetch thread (early stop, exceptions, bound).
#include "nabla/data/dataloader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

#include "nabla/data/subset.h"
#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::data {
namespace {

using testing::expect_error;

static_assert(std::input_iterator<DataLoader::Iterator>);
static_assert(std::sentinel_for<DataLoader::Sentinel, DataLoader::Iterator>);

// n samples: input i is [i, 100 + i] (float32), target i (int64), so a batch names its samples.
TensorDataset numbered(int64_t n) {
  const Tensor i = arange(0, static_cast<double>(n), 1, {.dtype = kFloat32});
  return TensorDataset(stack({i, i + 100}, 1), arange(0, static_cast<double>(n), 1, {.dtype = kInt64}));
}

// The targets of every batch of one full iteration.
std::vector<std::vector<int64_t>> epoch_targets(DataLoader& loader) {
  std::vector<std::vector<int64_t>> batches;
  for (const auto& [input, target] : loader) batches.push_back(target.to_vector<int64_t>());
  return batches;
}

std::vector<int64_t> flat(const std::vector<std::vector<int64_t>>& batches) {
  std::vector<int64_t> all;
  for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  return all;
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(DataLoader, BatchesInOrderWithAPartialLastBatch) {
  DataLoader loader(numbered(10), {.batch_size = 4});
  EXPECT_EQ(loader.size(), 3);
  std::vector<Shape> shapes;
  std::vector<float> inputs;
  for (const auto& [input, target] : loader) {
    shapes.push_back(input.shape());
    EXPECT_EQ(input.dtype(), kFloat32);
    EXPECT_EQ(target.dtype(), kInt64);
    EXPECT_EQ(target.size(0), input.size(0));
    for (float v : input.to_vector<float>()) inputs.push_back(v);
  }
  EXPECT_EQ(shapes, (std::vector<Shape>{{4, 2}, {4, 2}, {2, 2}}));
  EXPECT_EQ(inputs.size(), 20u);
  EXPECT_EQ(inputs[0], 0);
  EXPECT_EQ(inputs[1], 100);
  EXPECT_EQ(inputs[18], 9);
  EXPECT_EQ(inputs[19], 109);
  EXPECT_EQ(epoch_targets(loader), (std::vector<std::vector<int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}));
}

TEST(DataLoader, DropLastLeavesOutThePartialBatch) {
  DataLoader loader(numbered(10), {.batch_size = 4, .drop_last = true});
  EXPECT_EQ(loader.size(), 2);
  EXPECT_EQ(epoch_targets(loader), (std::vector<std::vector<int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}}));
  DataLoader exact(numbered(8), {.batch_size = 4, .drop_last = true});
  EXPECT_EQ(exact.size(), 2);
  DataLoader none(numbered(3), {.batch_size = 4, .drop_last = true});
  EXPECT_EQ(none.size(), 0);
  EXPECT_TRUE(epoch_targets(none).empty());
  DataLoader one(numbered(3), {.batch_size = 4});
  EXPECT_EQ(epoch_targets(one), (std::vector<std::vector<int64_t>>{{0, 1, 2}}));
}

TEST(DataLoader, EmptyDatasetHasNoBatches) {
  DataLoader loader(TensorDataset(zeros({0, 3})), {.batch_size = 2, .shuffle = true, .seed = 1});
  EXPECT_EQ(loader.size(), 0);
  EXPECT_TRUE(loader.begin() == loader.end());
  EXPECT_EQ(loader.epoch(), 1);
}

TEST(DataLoader, ShuffleIsAPermutationReproducibleFromSeedAndEpoch) {
  DataLoader loader(numbered(50), {.batch_size = 8, .shuffle = true, .seed = 123});
  EXPECT_EQ(loader.epoch(), 0);
  const std::vector<std::vector<int64_t>> e0 = epoch_targets(loader);
  EXPECT_EQ(loader.epoch(), 1);
  const std::vector<std::vector<int64_t>> e1 = epoch_targets(loader);
  EXPECT_EQ(loader.epoch(), 2);
  ASSERT_EQ(e0.size(), 7u);
  EXPECT_EQ(e0.back().size(), 2u);
  for (const auto& e : {e0, e1}) {
    std::vector<int64_t> all = flat(e);
    EXPECT_NE(all, iota(50));  // shuffled...
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, iota(50));  // ...but every sample exactly once
  }
  EXPECT_NE(e0, e1);  // a new order each epoch

  // A fresh loader with the same seed replays them; set_epoch jumps to any epoch.
  DataLoader again(numbered(50), {.batch_size = 8, .shuffle = true, .seed = 123});
  again.set_epoch(1);
  EXPECT_EQ(epoch_targets(again), e1);
  again.set_epoch(0);
  EXPECT_EQ(epoch_targets(again), e0);
  EXPECT_EQ(again.epoch(), 1);

  DataLoader other(numbered(50), {.batch_size = 8, .shuffle = true, .seed = 124});
  EXPECT_NE(epoch_targets(other), e0);
  expect_error([&] { other.set_epoch(-1); }, {"set_epoch", "-1"});
}

TEST(DataLoader, OrderIsTheNextIterationsSampleOrder) {
  DataLoader shuffled(numbered(20), {.batch_size = 6, .shuffle = true, .seed = 7});
  for (int epoch = 0; epoch < 2; ++epoch) {
    const std::vector<int64_t> order = shuffled.order().to_vector<int64_t>();
    EXPECT_EQ(flat(epoch_targets(shuffled)), order);
  }
  DataLoader in_order(numbered(5), {.batch_size = 2});
  EXPECT_EQ(in_order.order().to_vector<int64_t>(), iota(5));
}

TEST(DataLoader, ShuffledInputsMatchTheirTargets) {
  DataLoader loader(numbered(20), {.batch_size = 6, .shuffle = true, .seed = 5});
  for (const auto& [input, target] : loader) {
    const std::vector<float> x = input.to_vector<float>();
    const std::vector<int64_t> y = target.to_vector<int64_t>();
    for (size_t i = 0; i < y.size(); ++i) {
      EXPECT_EQ(x[2 * i], static_cast<float>(y[i]));
      EXPECT_EQ(x[2 * i + 1], static_cast<float>(y[i] + 100));
    }
  }
}

TEST(DataLoader, AnIterationLeftEarlyDoesNotAdvanceTheEpoch) {
  DataLoader loader(numbered(12), {.batch_size = 4, .shuffle = true, .seed = 9});
  std::vector<int64_t> first;
  for (const auto& [input, target] : loader) {
    first = target.to_vector<int64_t>();
    break;
  }
  EXPECT_EQ(loader.epoch(), 0);
  EXPECT_EQ(epoch_targets(loader).front(), first);
  EXPECT_EQ(loader.epoch(), 1);
}

TEST(DataLoader, WithoutASeedOneIsDrawnFromTheGlobalGenerator) {
  manual_seed(3);
  DataLoader a(numbered(30), {.batch_size = 30, .shuffle = true});
  manual_seed(3);
  DataLoader b(numbered(30), {.batch_size = 30, .shuffle = true});
  EXPECT_EQ(a.seed(), b.seed());
  EXPECT_EQ(epoch_targets(a), epoch_targets(b));
}

TEST(DataLoader, BatchesShareNoMemoryWithEachOtherOrTheDataset) {
  const TensorDataset ds = numbered(6);
  const Tensor inputs_before = ds.inputs().clone();
  // A batch of everything, unshuffled: still a copy.
  DataLoader loader(ds, {.batch_size = 6});
  for (int epoch = 0; epoch < 2; ++epoch)
    for (const auto& [input, target] : loader) {
      EXPECT_TRUE(equal(input, inputs_before));
      Tensor(input).mul_(0);  // a consumer's in-place op
      Tensor(target).fill_(-1);
    }
  EXPECT_TRUE(equal(ds.inputs(), inputs_before));
  // Consecutive batches held at once are distinct memory.
  DataLoader pairs(ds, {.batch_size = 3});
  DataLoader::Iterator it = pairs.begin();
  const Example first = *it;
  ++it;
  EXPECT_NE(first.input.storage(), it->input.storage());
  Tensor(first.input).fill_(7);
  EXPECT_EQ(it->input.to_vector<float>()[0], 3);
}

TEST(DataLoader, BatchesAreDetachedFromTheGraph) {
  const Tensor x = randn({4, 2}).requires_grad_();
  DataLoader loader(TensorDataset(x, zeros({4})), {.batch_size = 2});
  for (const auto& [input, target] : loader) {
    EXPECT_FALSE(input.requires_grad());
    EXPECT_EQ(input.grad_fn(), nullptr);
  }
}

TEST(DataLoader, MultiDimensionalSamplesAndNoTargets) {
  DataLoader loader(TensorDataset(randn({5, 2, 3})), {.batch_size = 2});
  std::vector<Shape> shapes;
  for (const auto& [input, target] : loader) {
    shapes.push_back(input.shape());
    EXPECT_FALSE(target.defined());
  }
  EXPECT_EQ(shapes, (std::vector<Shape>{{2, 2, 3}, {2, 2, 3}, {1, 2, 3}}));
}

// Counts how batches are built: get() per sample, or get_batch() per batch.
class Counting : public Dataset {
 public:
  explicit Counting(int64_t n) : data_(numbered(n)) {}
  int64_t size() const override { return data_.size(); }
  Example get(int64_t i) const override {
    ++gets;
    return data_.get(i);
  }
  Example get_batch(const Tensor& indices) const override {
    ++batches;
    return data_.get_batch(indices);
  }
  mutable std::atomic<int64_t> gets{0}, batches{0};

 private:
  TensorDataset data_;
};

TEST(DataLoader, BuildsEachBatchWithOneGetBatchCallThroughSubsets) {
  const auto counting = std::make_shared<Counting>(20);
  const std::vector<Subset> parts = random_split(counting, {15, 5}, 1);
  DataLoader loader(parts[0], {.batch_size = 4, .shuffle = true, .seed = 2});
  std::vector<int64_t> seen = flat(epoch_targets(loader));
  EXPECT_EQ(counting->batches.load(), 4);
  EXPECT_EQ(counting->gets.load(), 0);
  std::sort(seen.begin(), seen.end());
  std::vector<int64_t> expected = parts[0].indices().to_vector<int64_t>();
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
}

TEST(DataLoader, DefaultGetBatchMatchesTheTensorDatasetFastPath) {
  // Only get(): the loader falls back to stacking samples, with the same result.
  class PerSample : public Dataset {
   public:
    int64_t size() const override { return data.size(); }
    Example get(int64_t i) const override { return data.get(i); }
    TensorDataset data = numbered(11);
  };
  DataLoader fast(numbered(11), {.batch_size = 3, .shuffle = true, .seed = 4});
  DataLoader slow(PerSample(), {.batch_size = 3, .shuffle = true, .seed = 4});
  std::vector<Example> a, b;
  for (const Example& e : fast) a.push_back(e);
  for (const Example& e : slow) b.push_back(e);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(equal(a[i].input, b[i].input));
    EXPECT_TRUE(equal(a[i].target, b[i].target));
  }
}

TEST(DataLoader, RejectsABadBatchSize) {
  expect_error([] { DataLoader(numbered(3), {.batch_size = 0}); }, {"DataLoader", "batch_size", "0"});
}

TEST(DataLoader, IteratorPastTheEndThrows) {
  DataLoader loader(numbered(2), {.batch_size = 2});
  DataLoader::Iterator it = loader.begin();
  ++it;
  EXPECT_TRUE(it == loader.end());
  expect_error([&] { ++it; }, {"past the last batch"});
  expect_error([&] { *it; }, {"past the last batch"});
}

// ---- prefetch ------------------------------------------------------------------------

TEST(DataLoaderPrefetch, SameBatchesAsWithoutPrefetch) {
  DataLoader plain(numbered(37), {.batch_size = 5, .shuffle = true, .seed = 11});
  DataLoader prefetched(numbered(37), {.batch_size = 5, .shuffle = true, .seed = 11, .prefetch = true});
  for (int epoch = 0; epoch < 3; ++epoch) EXPECT_EQ(epoch_targets(prefetched), epoch_targets(plain));
  EXPECT_EQ(prefetched.epoch(), 3);
}

TEST(DataLoaderPrefetch, BreakingOutEarlyStopsTheThread) {
  const auto counting = std::make_shared<Counting>(1000);
  DataLoader loader(counting, {.batch_size = 1, .prefetch = true});
  for (int round = 0; round < 20; ++round) {
    int64_t n = 0;
    for (const auto& [input, target] : loader) {
      EXPECT_EQ(target.to_vector<int64_t>()[0], n);
      if (++n == 3) break;
    }
  }
  // Each round stopped its thread within a few batches of the break instead of running on.
  EXPECT_LE(counting->batches.load(), 20 * 6);
  EXPECT_EQ(loader.epoch(), 0);
  EXPECT_EQ(flat(epoch_targets(loader)).size(), 1000u);
}

TEST(DataLoaderPrefetch, StaysAtMostTwoBatchesAhead) {
  class Tracking : public Dataset {
   public:
    int64_t size() const override { return 30; }
    Example get(int64_t i) const override { return {full({1}, static_cast<double>(i)), Tensor{}}; }
    Example get_batch(const Tensor& indices) const override {
      lead = std::max<int64_t>(lead, ++started - consumed);
      return Dataset::get_batch(indices);
    }
    mutable std::atomic<int64_t> started{0}, consumed{0}, lead{0};
  };
  const auto ds = std::make_shared<Tracking>();
  DataLoader loader(ds, {.batch_size = 1, .prefetch = true});
  for (const Example& e : loader) {
    (void)e;
    ++ds->consumed;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a slow consumer
  }
  EXPECT_EQ(ds->started.load(), 30);
  // Batch c + 1 ready, c + 2 being built while the loop starts on c (and, for a moment after
  // taking c + 1, c + 3 before the loop counts it).
  EXPECT_LE(ds->lead.load(), 3);
}

// Throws from get_batch on the batch that holds sample `bad`.
class Failing : public Dataset {
 public:
  explicit Failing(int64_t bad) : bad_(bad) {}
  int64_t size() const override { return 10; }
  Example get(int64_t i) const override {
    NABLA_CHECK(i != bad_, "Failing", "sample ", i, " is corrupt");
    return {full({2}, static_cast<double>(i)), Tensor{}};
  }

 private:
  int64_t bad_;
};

TEST(DataLoaderPrefetch, ExceptionsReachTheConsumerAtTheFailingBatch) {
  for (bool prefetch : {false, true}) {
    DataLoader loader(Failing(5), {.batch_size = 2, .prefetch = prefetch});
    int64_t batches = 0;
    expect_error(
        [&] {
          for (const Example& e : loader) {
            (void)e;
            ++batches;
          }
        },
        {"Failing", "sample 5 is corrupt"});
    EXPECT_EQ(batches, 2) << "prefetch " << prefetch;  // samples 0-1 and 2-3 arrived first
    EXPECT_EQ(loader.epoch(), 0);
    // The failure ends the iteration.
    DataLoader::Iterator it = loader.begin();
    ++it;
    expect_error([&] { ++it; }, {"sample 5 is corrupt"});
    EXPECT_TRUE(it == loader.end());
    EXPECT_EQ(loader.epoch(), 0);
    // A failure in the first batch comes out of begin().
    DataLoader first(Failing(0), {.batch_size = 2, .prefetch = prefetch});
    expect_error([&] { first.begin(); }, {"sample 0 is corrupt"});
  }
}

TEST(DataLoaderPrefetch, AnIteratorAbandonedMidEpochJoinsItsThread) {
  DataLoader loader(numbered(100), {.batch_size = 1, .prefetch = true});
  {
    DataLoader::Iterator it = loader.begin();
    DataLoader::Iterator copy = it;  // copies share the pass
    ++copy;
    EXPECT_EQ(it->target.to_vector<int64_t>()[0], 1);
  }  // both gone: the thread is stopped and joined (an unjoined std::thread would terminate)
  EXPECT_EQ(epoch_targets(loader).size(), 100u);
}

}  // namespace
}  // namespace nabla::data
