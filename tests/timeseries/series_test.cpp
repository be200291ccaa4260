// load_series on CSV fixtures, time-ordered splits and standardisation fitted on the training part.
#include "nabla/timeseries/series.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/temp_dir.h"
#include "tests/tensor/test_util.h"

namespace nabla::timeseries {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::f64;
using testing::TempDir;

TEST(LoadSeries, ReadsTheLastColumnOrANamedOne) {
  TempDir dir;
  // The layout of statsmodels' sunspots.csv: a quoted header, a year and a value.
  const std::string path = dir.write("sun.csv", "\"YEAR\",\"SUNACTIVITY\"\n1700,5\n1701,11\n1702,16\n");
  const Tensor y = load_series(path);
  EXPECT_EQ(y.dtype(), kFloat64);
  EXPECT_EQ(y.shape(), Shape({3}));
  expect_values(y, {5, 11, 16});
  expect_values(load_series(path, {.column = "YEAR"}), {1700, 1701, 1702});
  expect_error([&] { load_series(path, {.column = "SPOTS"}); }, "SPOTS");
}

TEST(LoadSeries, MissingValuesAreAnErrorNamingTheRowUnlessInterpolated) {
  TempDir dir;
  // co2.csv's layout: weeks with an empty value.
  const std::string path =
      dir.write("co2.csv", "date,co2\n19580329,316.1\n19580405,\n19580412,\n19580419,317.6\n");
  expect_error([&] { load_series(path); }, {"line 3"});
  expect_error([&] { load_series(path, {.csv = {.missing_as_nan = true}}); },
               {"co2", "nan", "data row 1", "of 4", "interpolate_missing"});
  // Two missing values between 316.1 and 317.6: a third and two thirds of the way.
  expect_values(load_series(path, {.interpolate_missing = true}), {316.1, 316.6, 317.1, 317.6}, 1e-12);
  const std::string edge = dir.write("edge.csv", "t,v\n1,\n2,3\n");
  expect_error([&] { load_series(edge, {.interpolate_missing = true}); }, {"first value is missing"});
}

TEST(SplitSeries, FractionsAndSizesInTimeOrder) {
  const Tensor y = arange(10, {.dtype = kFloat64});
  const std::vector<Tensor> parts = split_series(y, {0.7, 0.2, 0.1});
  ASSERT_EQ(parts.size(), 3u);
  expect_values(parts[0], {0, 1, 2, 3, 4, 5, 6});
  expect_values(parts[1], {7, 8});
  expect_values(parts[2], {9});
  // floor(0.75 * 10) = 7 and floor(0.25 * 10) = 2; the remaining step goes to the first part.
  const std::vector<Tensor> uneven = split_series(y, {0.75, 0.25});
  EXPECT_EQ(uneven[0].size(0), 8);
  EXPECT_EQ(uneven[1].size(0), 2);
  const std::vector<Tensor> sized = split_series(y.view({5, 2}), {3, 2});
  EXPECT_EQ(sized[0].shape(), Shape({3, 2}));
  expect_values(sized[1], {6, 7, 8, 9});
}

TEST(SplitSeries, ContextRepeatsTheStepsBeforeEachLaterPart) {
  const Tensor y = arange(10, {.dtype = kFloat64});
  const std::vector<Tensor> parts = split_series(y, {6, 2, 2}, {.context = 3});
  expect_values(parts[0], {0, 1, 2, 3, 4, 5});
  expect_values(parts[1], {3, 4, 5, 6, 7});
  expect_values(parts[2], {5, 6, 7, 8, 9});
  // With lags = context, the windows of a later part have exactly its own steps as targets.
  expect_values(make_windows(parts[1], {.lags = 3}).targets, {6, 7});
}

TEST(SplitSeries, BadSplitsNameTheNumbers) {
  const Tensor y = arange(5, {.dtype = kFloat64});
  const auto ninety_ten = [&] { split_series(y, {0.9, 0.1}); };
  expect_error(ninety_ten, {"split_series", "part 1 (length 0.1) is empty", "5 steps"});
  expect_error([&] { split_series(y, {3, 3}); }, {"sum to 6", "the series has 5 steps"});
  expect_error([&] { split_series(y, {2, 3}, {.context = 3}); }, {"context of 3", "starts at step 2"});
  expect_error([&] { split_series(y.view({1, 1, 5}), {1}); }, {"[T] or [T, C]", "[1, 1, 5]"});
}

TEST(Standardize, FitsOnTheFirstPartOnly) {
  const Tensor y = f64({1, 2, 3, 4, 100, 200});
  data::Standardizer scaler;
  const std::vector<Tensor> scaled = standardize(split_series(y, {4, 2}), scaler);
  // Mean 2.5 and population std sqrt(1.25) of the first four steps; the outliers do not count.
  expect_values(scaler.mean(), {2.5}, 1e-15);
  expect_values(scaler.scale(), {std::sqrt(1.25)}, 1e-15);
  EXPECT_EQ(scaled[0].shape(), Shape({4}));
  expect_values(scaled[1], {97.5 / std::sqrt(1.25), 197.5 / std::sqrt(1.25)}, 1e-14);
  // Channels are standardised separately.
  const Tensor two = f64({1, 10, 3, 30}, {2, 2});
  const std::vector<Tensor> both = standardize({two}, scaler);
  expect_values(both[0], {-1, -1, 1, 1}, 1e-15);
  const Tensor one = f64({1, 2, 3});
  expect_error([&] { standardize({two, one}, scaler); }, {"part 1 has 1 channels", "part 0 has 2"});
  // Every part must be finite, not only the one the scaler is fitted on.
  const Tensor bad = f64({1, 2, INFINITY, 4}, {2, 2});
  expect_error([&] { standardize({two, bad}, scaler); }, {"part 1", "inf", "step 1, channel 0"});
  expect_error([&] { standardize({f64({1, NAN, 3})}, scaler); }, {"part 0", "nan", "step 1"});
}

}  // namespace
}  // namespace nabla::timeseries
