// NRMSE and fit % by hand, per column, and their bad input.
#include "nabla/timeseries/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::timeseries {
namespace {

using testing::expect_error;
using testing::f64;

TEST(FitMetrics, FitPercentByHand) {
  // y = [1, 2, 3, 4]: ȳ = 2.5, ‖y - ȳ‖ = sqrt(5). ŷ off by [1, 0, -1, 0]: ‖y - ŷ‖ = sqrt(2).
  const Tensor y = f64({1, 2, 3, 4}), y_hat = f64({2, 2, 2, 4});
  EXPECT_NEAR(nrmse(y_hat, y), std::sqrt(2.0 / 5), 1e-15);
  EXPECT_NEAR(fit_percent(y_hat, y), 100 * (1 - std::sqrt(2.0 / 5)), 1e-12);
  EXPECT_NEAR(fit_percent(y, y), 100, 1e-12);
  EXPECT_NEAR(fit_percent(full({4}, 2.5, {.dtype = kFloat64}), y), 0, 1e-12);  // the mean
  // nrmse is the RMSE over the population std, and R² = 1 - nrmse².
  EXPECT_NEAR(nrmse(y_hat, y), rmse(y_hat, y) / std::sqrt(1.25), 1e-15);
  EXPECT_NEAR(r2_score(y_hat, y), 1 - std::pow(nrmse(y_hat, y), 2), 1e-15);
}

TEST(FitMetrics, ColumnsAreScoredSeparatelyThenAveraged) {
  // Column 0 predicted exactly (fit 100), column 1 by its mean (fit 0): 50, whatever the scales.
  const Tensor y = f64({1, 100, 2, 300, 3, 500}, {3, 2}), y_hat = f64({1, 300, 2, 300, 3, 300}, {3, 2});
  EXPECT_NEAR(fit_percent(y_hat, y), 50, 1e-12);
  EXPECT_NEAR(nrmse(y_hat.to(kFloat32), y.to(kFloat32)), 0.5, 1e-6);
}

TEST(FitMetrics, BadInputNamesTheShapesAndTheConstantColumn) {
  const Tensor y = f64({1, 2});
  expect_error([&] { fit_percent(y, f64({3, 3})); }, {"fit_percent", "column 0 is constant", "2 values"});
  expect_error([&] { nrmse(y, y.view({2, 1})); }, {"nrmse", "[2]", "[2, 1]", "no broadcasting"});
  expect_error([] { nrmse(Tensor(), f64({1})); }, {"undefined predictions"});
}

}  // namespace
}  // namespace nabla::timeseries
