// TensorDataset, the default get_batch, Subset and random_split.
#include "nabla/data/dataset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <set>

#include "nabla/data/subset.h"
#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::data {
namespace {

using testing::expect_error;

Tensor indices(const std::vector<int64_t>& v) { return from_vector(v, {static_cast<int64_t>(v.size())}); }

// Sample i is (float [i, 10 i], int64 i): a dataset with only get(), so batches go through
// the default get_batch.
class Squares : public Dataset {
 public:
  explicit Squares(int64_t n) : n_(n) {}
  int64_t size() const override { return n_; }
  Example get(int64_t i) const override {
    return {tensor({static_cast<double>(i), 10.0 * i}),
            scalar_tensor(static_cast<double>(i), {.dtype = kInt64})};
  }

 private:
  int64_t n_;
};

TEST(Dataset, TensorDatasetGetsViewsAlongDimZero) {
  const Tensor x = arange(0, 12, 1, {.dtype = kFloat64}).view({4, 3});
  const Tensor y = arange(0, 4, 1, {.dtype = kInt64});
  const TensorDataset ds(x, y);
  EXPECT_EQ(ds.size(), 4);
  auto [input, target] = ds.get(2);
  EXPECT_EQ(input.to_vector<double>(), (std::vector<double>{6, 7, 8}));
  EXPECT_EQ(target.item<int64_t>(), 2);
  EXPECT_EQ(target.dim(), 0);
  EXPECT_EQ(input.storage(), x.storage());  // a view, as in PyTorch
  expect_error([&] { ds.get(4); }, {"TensorDataset", "index 4", "size 4"});
  expect_error([&] { ds.get(-1); }, {"index -1"});
}

TEST(Dataset, TensorDatasetGetBatchGathersNewMemory) {
  const Tensor x = arange(0, 12, 1, {.dtype = kFloat32}).view({4, 3});
  const TensorDataset ds(x, arange(0, 4, 1, {.dtype = kInt64}));
  const Example b = ds.get_batch(indices({3, 0, 3}));
  EXPECT_EQ(b.input.shape(), Shape({3, 3}));
  EXPECT_EQ(b.input.to_vector<float>(), (std::vector<float>{9, 10, 11, 0, 1, 2, 9, 10, 11}));
  EXPECT_EQ(b.target.to_vector<int64_t>(), (std::vector<int64_t>{3, 0, 3}));
  EXPECT_NE(b.input.storage(), x.storage());
  expect_error([&] { ds.get_batch(indices({})); }, {"non-empty 1-D int64"});
  expect_error([&] { ds.get_batch(tensor({1, 2})); }, {"int64"});
  expect_error([&] { ds.get_batch(indices({4})); }, {"out of bounds"});
}

TEST(Dataset, TensorDatasetOfAStridedTensor) {
  const Tensor x = arange(0, 6, 1, {.dtype = kFloat64}).view({2, 3}).t();  // rows (0, 3), (1, 4), (2, 5)
  const TensorDataset ds(x);
  EXPECT_TRUE(ds.inputs().is_contiguous());
  EXPECT_EQ(ds.get_batch(indices({2, 0})).input.to_vector<double>(), (std::vector<double>{2, 5, 0, 3}));
  EXPECT_EQ(ds.get(1).input.to_vector<double>(), (std::vector<double>{1, 4}));
}

TEST(Dataset, TensorDatasetWithoutTargets) {
  const TensorDataset ds(randn({5, 2}));
  EXPECT_FALSE(ds.get(0).target.defined());
  const Example b = ds.get_batch(indices({1, 2}));
  EXPECT_EQ(b.input.shape(), Shape({2, 2}));
  EXPECT_FALSE(b.target.defined());
}

TEST(Dataset, TensorDatasetChecksItsTensors) {
  expect_error([] { TensorDataset(zeros({4, 2}), zeros({3})); }, {"[4, 2]", "[3]", "number of samples"});
  expect_error([] { TensorDataset(scalar_tensor(1)); }, {"0-d"});
  expect_error([] { TensorDataset(Tensor{}); }, {"undefined"});
}

TEST(Dataset, DefaultGetBatchStacksSamples) {
  const Squares ds(5);
  const Example b = ds.get_batch(indices({4, 1}));
  EXPECT_EQ(b.input.shape(), Shape({2, 2}));
  EXPECT_EQ(b.input.to_vector<float>(), (std::vector<float>{4, 40, 1, 10}));
  EXPECT_EQ(b.target.dtype(), kInt64);
  EXPECT_EQ(b.target.to_vector<int64_t>(), (std::vector<int64_t>{4, 1}));
  expect_error([&] { ds.get_batch(indices({})); }, {"Dataset::get_batch", "non-empty"});
}

TEST(Dataset, DefaultGetBatchRejectsTargetsOnlySomeSamplesHave) {
  class Patchy : public Dataset {
   public:
    int64_t size() const override { return 2; }
    Example get(int64_t i) const override { return {zeros({2}), i == 0 ? zeros({1}) : Tensor{}}; }
  };
  expect_error([] { Patchy().get_batch(indices({0, 1})); }, {"some samples have a target"});
}

TEST(Dataset, SubsetMapsIndices) {
  const auto base = std::make_shared<Squares>(6);
  const Subset sub(base, {5, 2, 2});
  EXPECT_EQ(sub.size(), 3);
  EXPECT_EQ(sub.get(0).target.item<int64_t>(), 5);
  EXPECT_EQ(sub.get(2).target.item<int64_t>(), 2);
  EXPECT_EQ(sub.get_batch(indices({1, 0})).target.to_vector<int64_t>(), (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(&sub.dataset(), base.get());
  expect_error([&] { sub.get(3); }, {"Subset", "index 3", "size 3"});
  expect_error([&] { Subset(base, {0, 6}); }, {"Subset", "index 6", "size 6"});
  expect_error([&] { Subset(base, {-1}); }, {"index -1"});
  expect_error([&] { Subset(base, tensor({1, 2})); }, {"1-D int64"});
}

TEST(Dataset, SubsetKeepsItsOwnCopyOfTheIndices) {
  Tensor idx = indices({0, 1});
  const Subset sub(Squares(3), idx);
  idx.fill_(2);
  EXPECT_EQ(sub.indices().to_vector<int64_t>(), (std::vector<int64_t>{0, 1}));
}

// Every index of the dataset in exactly one subset.
void expect_partition(const std::vector<Subset>& parts, int64_t n) {
  std::vector<int64_t> all;
  for (const Subset& s : parts)
    for (int64_t i : s.indices().to_vector<int64_t>()) all.push_back(i);
  std::sort(all.begin(), all.end());
  std::vector<int64_t> expected(static_cast<size_t>(n));
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(all, expected);
}

std::vector<int64_t> sizes(const std::vector<Subset>& parts) {
  std::vector<int64_t> s;
  for (const Subset& p : parts) s.push_back(p.size());
  return s;
}

TEST(Dataset, RandomSplitByLengthsIsADisjointCoverAndRepeatable) {
  const Squares ds(10);
  const std::vector<Subset> a = random_split(ds, {3, 7}, 42);
  EXPECT_EQ(sizes(a), (std::vector<int64_t>{3, 7}));
  expect_partition(a, 10);
  const std::vector<Subset> b = random_split(ds, {3, 7}, 42);
  EXPECT_TRUE(equal(a[0].indices(), b[0].indices()));
  EXPECT_TRUE(equal(a[1].indices(), b[1].indices()));
  const std::vector<Subset> c = random_split(ds, {3, 7}, 43);
  EXPECT_FALSE(equal(a[1].indices(), c[1].indices()));
  // Sample 0 of the first subset is the dataset's sample at its first index.
  EXPECT_EQ(a[0].get(0).target.item<int64_t>(), a[0].indices().to_vector<int64_t>()[0]);
}

TEST(Dataset, RandomSplitByFractionsFollowsPyTorchsRemainderRule) {
  // floor(11 * [0.5, 0.3, 0.2]) = [5, 3, 2]; the 1 left over goes to the first subset.
  std::vector<Subset> parts = random_split(Squares(11), {0.5, 0.3, 0.2}, 0);
  EXPECT_EQ(sizes(parts), (std::vector<int64_t>{6, 3, 2}));
  expect_partition(parts, 11);
  // floor(10 * [0.25, 0.25, 0.25, 0.25]) = [2, 2, 2, 2]; the 2 left over go to the first two.
  EXPECT_EQ(sizes(random_split(Squares(10), {0.25, 0.25, 0.25, 0.25}, 0)),
            (std::vector<int64_t>{3, 3, 2, 2}));
  // {1} sums to 1: one subset of everything (as in PyTorch), even for a dataset of 1.
  EXPECT_EQ(sizes(random_split(Squares(5), {1}, 0)), (std::vector<int64_t>{5}));
  EXPECT_EQ(sizes(random_split(Squares(1), {1}, 0)), (std::vector<int64_t>{1}));
  // Fractions may leave a subset empty.
  EXPECT_EQ(sizes(random_split(Squares(3), {0.9, 0.1}, 0)), (std::vector<int64_t>{3, 0}));
}

TEST(Dataset, RandomSplitWithoutSeedFollowsManualSeed) {
  manual_seed(7);
  const std::vector<Subset> a = random_split(Squares(20), {10, 10});
  manual_seed(7);
  const std::vector<Subset> b = random_split(Squares(20), {10, 10});
  EXPECT_TRUE(equal(a[0].indices(), b[0].indices()));
}

TEST(Dataset, RandomSplitRejectsBadLengths) {
  const Squares ds(10);
  expect_error([&] { random_split(ds, {3, 6}, 0); }, {"random_split", "sum to 9", "10 samples"});
  expect_error([&] { random_split(ds, {2.5, 7.5}, 0); }, {"index 0", "whole number"});
  expect_error([&] { random_split(ds, {12, -2}, 0); }, {"index 0", "more than the dataset's 10"});
  expect_error([&] { random_split(ds, {1.5, -0.5}, 0); }, {"fraction at index 0", "between 0 and 1"});
  expect_error([&] { random_split(ds, {}, 0); }, {"lengths is empty"});
}

}  // namespace
}  // namespace nabla::data
