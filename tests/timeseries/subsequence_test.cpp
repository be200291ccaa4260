// Sub-sequence counts, strides and contents, alone and through a DataLoader.
#include "nabla/timeseries/subsequence.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::timeseries {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::f64;

Tensor steps(int64_t n) { return arange(n, {.dtype = kFloat64}); }

TEST(SubsequenceDataset, CountsAndStarts) {
  struct Case {
    int64_t length, stride, count;
  };
  // T = 10: non-overlapping 4-step pieces leave steps 8 and 9 out; stride 2 overlaps by 2 steps.
  for (const Case& c : {Case{4, 0, 2}, Case{4, 4, 2}, Case{4, 2, 4}, Case{4, 3, 3}, Case{4, 1, 7},
                        Case{10, 3, 1}, Case{5, 5, 2}, Case{1, 0, 10}}) {
    const SubsequenceDataset ds(steps(10), steps(10), {.length = c.length, .stride = c.stride});
    EXPECT_EQ(ds.size(), c.count) << "length " << c.length << " stride " << c.stride;
    const int64_t stride = c.stride == 0 ? c.length : c.stride;
    EXPECT_EQ(ds.options().stride, stride);
    for (int64_t q = 0; q < ds.size(); ++q) {
      EXPECT_EQ(ds.start(q), q * stride);
      const data::Example e = ds.get(q);
      EXPECT_EQ(e.input.shape(), Shape({c.length, 1}));
      EXPECT_EQ(e.input.to_vector<double>().front(), static_cast<double>(q * stride));
      EXPECT_EQ(e.target.to_vector<double>().back(), static_cast<double>(q * stride + c.length - 1));
    }
  }
}

TEST(SubsequenceDataset, BatchesGatherEverySubsequence) {
  // Inputs with two channels (k, -k), targets one (100 + k).
  const Tensor u = stack({steps(9), -steps(9)}, 1), y = steps(9) + 100;
  const SubsequenceDataset ds(u, y, {.length = 3, .stride = 2});
  ASSERT_EQ(ds.size(), 4);  // starts 0, 2, 4, 6
  const data::Example b = ds.get_batch(from_vector(std::vector<int64_t>{3, 0}, {2}));
  EXPECT_EQ(b.input.shape(), Shape({2, 3, 2}));
  expect_values(b.input, {6, -6, 7, -7, 8, -8, 0, 0, 1, -1, 2, -2});
  EXPECT_EQ(b.target.shape(), Shape({2, 3, 1}));
  expect_values(b.target, {106, 107, 108, 100, 101, 102});
  // Through a DataLoader: every sub-sequence once per epoch, in batches [B, L, C].
  data::DataLoader loader(ds, {.batch_size = 3, .shuffle = true, .seed = 1});
  std::vector<double> firsts;
  for (const auto& [input, target] : loader) {
    EXPECT_EQ(input.size(1), 3);
    for (int64_t i = 0; i < input.size(0); ++i) firsts.push_back(input[i][0][0].item());
  }
  std::sort(firsts.begin(), firsts.end());
  EXPECT_EQ(firsts, (std::vector<double>{0, 2, 4, 6}));
}

TEST(SubsequenceDataset, ShuffledBatchesRepeatWithTheSeed) {
  const SubsequenceDataset ds(steps(50), steps(50), {.length = 5, .stride = 3});
  const auto order = [&](uint64_t seed) {
    std::vector<double> firsts;
    data::DataLoader loader(ds, {.batch_size = 4, .shuffle = true, .seed = seed});
    for (const auto& [input, target] : loader) {
      const std::vector<double> v = input.select(1, 0).flatten().to_vector<double>();
      firsts.insert(firsts.end(), v.begin(), v.end());
    }
    return firsts;
  };
  EXPECT_EQ(order(7), order(7));
  EXPECT_NE(order(7), order(8));
}

TEST(SubsequenceDataset, BadInputNamesTheNumbers) {
  expect_error([] { SubsequenceDataset(steps(5), steps(5), {.length = 6}); },
               {"SubsequenceDataset", "length 6", "5 steps"});
  expect_error([] { SubsequenceDataset(steps(5), steps(4), {.length = 2}); },
               {"inputs have 5 steps", "targets have 4"});
  expect_error([] { SubsequenceDataset(steps(5), steps(5), {}); }, {"at least 1", "length 0"});
  expect_error([] { SubsequenceDataset(steps(5), steps(5), {.length = 2, .stride = -1}); }, {"stride -1"});
  const Tensor with_nan = f64({1, NAN, 3});
  expect_error([&] { SubsequenceDataset(with_nan, steps(3), {.length = 2}); },
               {"inputs holds nan at step 1"});
  const SubsequenceDataset ds(steps(5), steps(5), {.length = 2});
  expect_error([&] { ds.get(2); }, {"index 2", "size 2"});
  expect_error([&] { ds.get_batch(from_vector(std::vector<int64_t>{0, 5}, {2})); }, {"index 5"});
}

}  // namespace
}  // namespace nabla::timeseries
