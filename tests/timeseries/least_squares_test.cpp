// Least squares into nn::Linear: exact recovery, hand-computed fits, the ridge, bad input.
#include "nabla/timeseries/least_squares.h"

#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::timeseries {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::f64;

TEST(FitLeastSquares, RecoversANoiseFreeLinearMap) {
  // y = x W^T + b with W [2, 3], b [2]: the fit is exact.
  const Tensor x = testing::rand_param({20, 3}, -2, 2, 1).detach();
  const Tensor w = f64({1, -2, 0.5, 0, 3, -1}, {2, 3}), b = f64({0.25, -4});
  nn::Linear layer({.in_features = 3, .out_features = 2, .dtype = kFloat64});
  fit_least_squares(layer, x, linear(x, w, b));
  expect_values(layer.weight, w.to_vector<double>(), 1e-12);
  expect_values(layer.bias, b.to_vector<double>(), 1e-12);
  // In float32 too (solved in float64, stored in the layer's dtype); without a bias the fit goes
  // through the origin.
  nn::Linear no_bias({.in_features = 3, .out_features = 2, .bias = false});
  fit_least_squares(no_bias, x.to(kFloat32), linear(x, w).to(kFloat32));
  EXPECT_EQ(no_bias.weight.dtype(), kFloat32);
  expect_values(no_bias.weight, w.to_vector<double>(), 1e-5);
}

TEST(FitLeastSquares, HandComputedLineAndRidge) {
  // Points (0, 1), (1, 3), (2, 2): x̄ = 1, ȳ = 2, Σ(x - x̄)(y - ȳ) = 1, Σ(x - x̄)² = 2, so the
  // slope is 1/2 and the intercept 3/2; a ridge λ makes the slope 1 / (2 + λ), the bias unpenalised.
  const Tensor x = f64({0, 1, 2}, {3, 1}), y = f64({1, 3, 2}, {3, 1});
  nn::Linear line({.in_features = 1, .out_features = 1, .dtype = kFloat64});
  fit_least_squares(line, x, y);
  expect_values(line.weight, {0.5}, 1e-15);
  expect_values(line.bias, {1.5}, 1e-15);
  fit_least_squares(line, x, y, {.ridge = 2});
  expect_values(line.weight, {0.25}, 1e-15);
  expect_values(line.bias, {1.75}, 1e-15);
  // The ridge also makes collinear inputs solvable.
  fit_least_squares(line, x, y);
  nn::Linear twice({.in_features = 2, .out_features = 1, .dtype = kFloat64});
  fit_least_squares(twice, cat({x, x}, 1), y, {.ridge = 1e-6});
  expect_values(twice.weight.sum(), {0.5}, 1e-5);
}

TEST(FitLeastSquares, BadInputNamesTheNumbers) {
  nn::Linear layer({.in_features = 2, .out_features = 1, .dtype = kFloat64});
  const Tensor x = f64({1, 2, 2, 4, 3, 6}, {3, 2}), y = f64({1, 2, 3}, {3, 1});
  expect_error([&] { fit_least_squares(layer, x, y); }, {"fit_least_squares", "input column 1", "ridge"});
  const Tensor two_rows = f64({1, 2, 3, 5}, {2, 2}), with_nan = f64({1, 2, NAN, 4, 3, 6}, {3, 2});
  expect_error([&] { fit_least_squares(layer, two_rows, y.narrow(0, 0, 2)); },
               {"2 samples cannot determine 2 weights and a bias", "at least 3"});
  expect_error([&] { fit_least_squares(layer, x, y.view({3})); }, {"inputs [N, 2]", "targets [N, 1]", "[3]"});
  expect_error([&] { fit_least_squares(layer, with_nan, y); }, {"inputs holds nan at row 1, channel 0"});
  expect_error([&] { fit_least_squares(layer, x, y, {.ridge = -1}); }, {"ridge must be non-negative"});
}

}  // namespace
}  // namespace nabla::timeseries
