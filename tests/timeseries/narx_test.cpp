// NARX regressor matrices element by element on hand-computed series.
#include "nabla/timeseries/narx.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::timeseries {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::f64;

// y(k) = k + 1 and u(k) = 10 (k + 1), k = 0..5: every value names its step.
Tensor y6() { return f64({1, 2, 3, 4, 5, 6}); }
Tensor u6() { return f64({10, 20, 30, 40, 50, 60}); }

TEST(NarxRegressors, OutputLagsThenDelayedInputs) {
  // z(k) = [y(k-1), y(k-2), u(k-1), u(k-2)] for k = 2..5.
  const NARXOptions o{.na = 2, .nb = 2, .delay = 1};
  EXPECT_EQ(o.max_lag(), 2);
  const Regression r = narx_regressors(y6(), u6(), o);
  EXPECT_EQ(r.inputs.shape(), Shape({4, 4}));
  expect_values(r.inputs, {2, 1, 20, 10,  //
                           3, 2, 30, 20,  //
                           4, 3, 40, 30,  //
                           5, 4, 50, 40});
  EXPECT_EQ(r.targets.shape(), Shape({4, 1}));
  expect_values(r.targets, {3, 4, 5, 6});
}

TEST(NarxRegressors, DelayZeroIncludesTheCurrentInput) {
  // z(k) = [y(k-1), u(k), u(k-1)] for k = 1..5.
  const Regression r = narx_regressors(y6(), u6(), {.na = 1, .nb = 2, .delay = 0});
  expect_values(r.inputs, {1, 20, 10, 2, 30, 20, 3, 40, 30, 4, 50, 40, 5, 60, 50});
  expect_values(r.targets, {2, 3, 4, 5, 6});
}

TEST(NarxRegressors, ALongDelayStartsLater) {
  // z(k) = [y(k-1), u(k-3)]: the first complete one is at k = 3.
  const NARXOptions o{.na = 1, .nb = 1, .delay = 3};
  EXPECT_EQ(o.max_lag(), 3);
  const Regression r = narx_regressors(y6(), u6(), o);
  expect_values(r.inputs, {3, 10, 4, 20, 5, 30});
  expect_values(r.targets, {4, 5, 6});
}

TEST(NarxRegressors, InputOnlyAndOutputOnlyModels) {
  // NFIR: z(k) = [u(k), u(k-1)].
  expect_values(narx_regressors(y6(), u6(), {.na = 0, .nb = 2, .delay = 0}).inputs,
                {20, 10, 30, 20, 40, 30, 50, 40, 60, 50});
  // NAR, without an input: z(k) = [y(k-1), y(k-2), y(k-3)].
  const Regression ar = narx_regressors(y6(), Tensor(), {.na = 3, .nb = 0});
  expect_values(ar.inputs, {3, 2, 1, 4, 3, 2, 5, 4, 3});
  expect_values(ar.targets, {4, 5, 6});
}

TEST(NarxRegressors, ChannelsWithinEachTerm) {
  // Two outputs (y_0 = k + 1, y_1 = -(k + 1)) and one input: z(k) = [y_0(k-1), y_1(k-1), y_0(k-2),
  // y_1(k-2), u(k-1)].
  const Tensor y2 = stack({y6(), -y6()}, 1);
  const Regression r = narx_regressors(y2, u6(), {.na = 2, .nb = 1, .delay = 1});
  EXPECT_EQ(r.inputs.shape(), Shape({4, 5}));
  expect_values(r.inputs.narrow(0, 0, 2), {2, -2, 1, -1, 20, 3, -3, 2, -2, 30});
  EXPECT_EQ(r.targets.shape(), Shape({4, 2}));
  expect_values(r.targets.narrow(0, 0, 1), {3, -3});
}

TEST(NarxRegressors, BatchedRecordsAreRegressedSeparately) {
  const Tensor ys = stack({y6(), y6() * 2}).unsqueeze(2),
               us = stack({u6(), u6() * 2}).unsqueeze(2);  // [2, 6, 1]
  const NARXOptions o{.na = 2, .nb = 2};
  const Regression r = narx_regressors(ys, us, o);
  EXPECT_EQ(r.inputs.shape(), Shape({2, 4, 4}));
  EXPECT_EQ(r.targets.shape(), Shape({2, 4, 1}));
  EXPECT_TRUE(equal(r.inputs[0], narx_regressors(y6(), u6(), o).inputs));
  EXPECT_TRUE(equal(r.inputs[1], narx_regressors(y6() * 2, u6() * 2, o).inputs));
}

TEST(NarxRegressors, DifferentiableInBothSeries) {
  const auto f = [](const std::vector<Tensor>& in) {
    const Regression r = narx_regressors(in[0], in[1], {.na = 2, .nb = 2, .delay = 0});
    return (r.inputs.pow(2).sum() + r.targets.pow(3).sum());
  };
  EXPECT_GRADCHECK(f, {testing::rand_param({5, 2}, -1, 1, 1), testing::rand_param({5}, -1, 1, 2)});
}

TEST(NarxRegressors, BadInputNamesTheNumbers) {
  expect_error([] { narx_regressors(y6(), u6().narrow(0, 0, 5), {}); },
               {"narx_regressors", "y has 6 steps but u has 5", "[6]", "[5]"});
  const Tensor two_inputs = stack({u6(), u6()}).unsqueeze(2);
  const Tensor one_record = y6().view({1, 6, 1});
  expect_error([&] { narx_regressors(one_record, two_inputs, {}); }, {"y holds 1 records but u holds 2"});
  expect_error(
      [] { narx_regressors(y6().narrow(0, 0, 3), u6().narrow(0, 0, 3), {.na = 2, .nb = 2, .delay = 2}); },
      {"the record has 3 steps", "na = 2, nb = 2, delay = 2", "look back 3", "at least 4"});
  const Tensor with_nan = f64({1, 2, 3, NAN, 5});
  expect_error([&] { narx_regressors(with_nan, u6().narrow(0, 0, 5), {}); }, {"y holds nan at step 3"});
  expect_error([] { narx_regressors(y6(), f64({1, 2, INFINITY, 4, 5, 6}), {}); }, {"u holds inf at step 2"});
  expect_error([] { narx_regressors(y6(), u6().to(kFloat32), {}); }, {"y is float64 but u is float32"});
  expect_error([] { narx_regressors(y6(), u6(), {.na = 0, .nb = 0}); }, {"both 0"});
  expect_error([] { narx_regressors(y6(), Tensor(), {.na = 1, .nb = 2}); }, {"nb = 2", "need an input u"});
  expect_error([] { narx_regressors(y6(), u6(), {.delay = -1}); }, {"non-negative", "delay = -1"});
}

}  // namespace
}  // namespace nabla::timeseries
