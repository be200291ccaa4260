// Lagged windows element by element, and free-run forecasts from them.
#include "nabla/timeseries/windows.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::timeseries {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::f64;

// y(t) = 10 t: every value names its step.
Tensor steps(int64_t n) { return arange(n, {.dtype = kFloat64}) * 10; }

TEST(MakeWindows, BatchFirstWindowsAndTargets) {
  const Windows w = make_windows(steps(6), {.lags = 3});
  // N = 6 - 3 - 1 + 1 = 3 windows: [0, 10, 20] -> 30, [10, 20, 30] -> 40, [20, 30, 40] -> 50.
  EXPECT_EQ(w.inputs.shape(), Shape({3, 3, 1}));
  expect_values(w.inputs, {0, 10, 20, 10, 20, 30, 20, 30, 40});
  EXPECT_EQ(w.targets.shape(), Shape({3, 1}));
  expect_values(w.targets, {30, 40, 50});
  EXPECT_EQ(w.inputs.dtype(), kFloat64);
}

TEST(MakeWindows, TheSeedsSequenceFirstLayout) {
  // The sine of seed 000's RNN: 66 training steps, 5 lags, 61 windows, (lags, N, dim) = (5, 61, 1).
  const Tensor y = sin(arange(66, {.dtype = kFloat64}) * (0.1 * M_PI));
  const Windows w = make_windows(y, {.lags = 5, .batch_first = false});
  EXPECT_EQ(w.inputs.shape(), Shape({5, 61, 1}));
  EXPECT_EQ(w.targets.shape(), Shape({61, 1}));
  const std::vector<double> v = y.to_vector<double>(), in = w.inputs.to_vector<double>(),
                            out = w.targets.to_vector<double>();
  for (int64_t i = 0; i < 61; ++i) {
    for (int64_t j = 0; j < 5; ++j) EXPECT_EQ(in[j * 61 + i], v[i + j]) << "window " << i << " lag " << j;
    EXPECT_EQ(out[i], v[i + 5]) << "window " << i;
  }
}

TEST(MakeWindows, HorizonsAndChannels) {
  // Two channels: 10 t and 10 t + 1.
  const Tensor two = stack({steps(5), steps(5) + 1}, 1);
  const Windows w = make_windows(two, {.lags = 2, .horizon = 2});
  EXPECT_EQ(w.inputs.shape(), Shape({2, 2, 2}));
  expect_values(w.inputs, {0, 1, 10, 11, 10, 11, 20, 21});
  EXPECT_EQ(w.targets.shape(), Shape({2, 2, 2}));
  expect_values(w.targets, {20, 21, 30, 31, 30, 31, 40, 41});
  // Sequence-first: targets are [horizon, N, C] like the inputs.
  const Windows s = make_windows(two, {.lags = 2, .horizon = 2, .batch_first = false});
  EXPECT_TRUE(equal(s.inputs, w.inputs.transpose(0, 1)));
  EXPECT_TRUE(equal(s.targets, w.targets.transpose(0, 1)));
}

TEST(MakeWindows, BadInputNamesTheNumbers) {
  expect_error([] { make_windows(steps(4), {.lags = 3, .horizon = 2}); },
               {"make_windows", "lags 3 + horizon 2 = 5", "series' 4"});
  expect_error([] { make_windows(steps(4), {.lags = 0}); }, {"at least 1", "lags 0"});
  expect_error([] { make_windows(f64({1, 2, NAN, 4, 5}), {.lags = 2}); }, {"nan", "step 2", "channel 0"});
  expect_error([] { make_windows(arange(5, {.dtype = kInt64}), {}); }, {"floating-point", "int64"});
  expect_error([] { make_windows(Tensor(), {}); }, {"undefined"});
}

// A linear extrapolator, 2 w[-1] - w[-2]: continues y(t) = 10 t exactly.
Tensor extrapolate(const Tensor& windows) {
  const int64_t lags = windows.size(1);
  return windows.select(1, lags - 1) * 2 - windows.select(1, lags - 2);
}

TEST(Forecast, FeedsItsPredictionsBack) {
  const Windows w = make_windows(steps(6), {.lags = 3});
  const Tensor f = forecast(extrapolate, w.inputs, {.steps = 4});
  EXPECT_EQ(f.shape(), Shape({3, 4, 1}));
  // From [0, 10, 20]: 30, 40, 50, 60; from [10, 20, 30]: 40, ...; every window continues the line.
  expect_values(f, {30, 40, 50, 60, 40, 50, 60, 70, 50, 60, 70, 80}, 1e-12);
  // The model sees only the window's values and its own predictions: a model that adds 1 to
  // the last value drifts from the line by one per step.
  const Tensor drift = forecast([](const Tensor& x) { return x.select(1, x.size(1) - 1) + 1; },
                                w.inputs.narrow(0, 0, 1), {.steps = 3});
  expect_values(drift, {21, 22, 23});
}

TEST(Forecast, SequenceFirstLayout) {
  const Windows w = make_windows(steps(6), {.lags = 3, .batch_first = false});
  const auto model = [](const Tensor& x) { return extrapolate(x.transpose(0, 1)); };
  const Tensor f = forecast(model, w.inputs, {.steps = 2, .batch_first = false});
  EXPECT_EQ(f.shape(), Shape({2, 3, 1}));
  expect_values(f, {30, 40, 50, 40, 50, 60}, 1e-12);
}

TEST(Forecast, ReadsNothingBeyondTheWindow) {
  // Windows whose continuation is NaN in the series: the forecast never sees it.
  const Tensor y = f64({0, 10, 20, NAN, NAN, NAN});
  const Tensor f = forecast(extrapolate, y.narrow(0, 0, 3).view({1, 3, 1}), {.steps = 3});
  expect_values(f, {30, 40, 50}, 1e-12);
}

TEST(Forecast, GradcheckThroughTheUnrolledForecast) {
  // An AR(2) model with weights a, run 4 steps: the gradient flows through every fed-back step.
  const Tensor windows = testing::rand_param({2, 2, 1}, -1, 1, 3);
  const Tensor a = testing::param({0.9, -0.3}, {2, 1});
  const auto f = [](const std::vector<Tensor>& in) {
    const Tensor& weights = in[1];
    return forecast([&](const Tensor& x) { return tanh(matmul(x.squeeze(2), weights)); }, in[0], {.steps = 4})
        .pow(2)
        .sum();
  };
  EXPECT_GRADCHECK(f, {windows, a});
}

TEST(Forecast, BadInputNamesTheShapes) {
  const Tensor w = zeros({2, 3, 1}, {.dtype = kFloat64});
  expect_error([&] { forecast(extrapolate, w.view({2, 3}), {}); }, {"forecast", "[B, lags, C]", "[2, 3]"});
  expect_error([&] { forecast(extrapolate, w, {.steps = 0}); }, {"steps must be at least 1"});
  expect_error([&] { forecast([](const Tensor& x) { return x.squeeze(2); }, w, {}); },
               {"[2, 3, 1]", "to [2, 3]", "expected", "[2, 1]"});
  const Tensor with_nan = full({1, 2, 1}, NAN, {.dtype = kFloat64});
  expect_error([&] { forecast(extrapolate, with_nan, {}); }, {"windows", "nan", "window 0"});
}

}  // namespace
}  // namespace nabla::timeseries
