#include "nabla/data/standardizer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::data {
namespace {

using testing::expect_error;
using testing::expect_values;
using testing::f64;

// Columns 1..4 and 10..40: means 2.5 and 25, population stds sqrt(1.25) and 10 sqrt(1.25)
// (the sample std, dividing by N - 1, would be sqrt(5 / 3) = 1.29...).
Tensor four_rows() { return f64({1, 10, 2, 20, 3, 30, 4, 40}, {4, 2}); }

TEST(Standardizer, FitsMeanAndPopulationStd) {
  Standardizer s;
  EXPECT_FALSE(s.fitted());
  s.fit(four_rows());
  EXPECT_TRUE(s.fitted());
  EXPECT_EQ(s.num_features(), 2);
  EXPECT_EQ(s.mean().dtype(), kFloat64);
  expect_values(s.mean(), {2.5, 25}, 1e-15);
  expect_values(s.scale(), {std::sqrt(1.25), 10 * std::sqrt(1.25)}, 1e-15);
  const Tensor z = s.transform(four_rows());
  const double a = 1.5 / std::sqrt(1.25), b = 0.5 / std::sqrt(1.25);
  expect_values(z, {-a, -a, -b, -b, b, b, a, a}, 1e-15);
  // Mean 0 and population std 1 in every column.
  expect_values(z.mean({0}), {0, 0}, 1e-15);
  expect_values(nabla::std(z, {0}, /*unbiased=*/false), {1, 1}, 1e-15);
}

TEST(Standardizer, InverseTransformRoundTripsInTheInputsDtype) {
  const Tensor x64 = randn({50, 3}, {.dtype = kFloat64}) * 7 + 3;
  Standardizer s;
  const Tensor z = s.fit_transform(x64);
  EXPECT_TRUE(allclose(s.inverse_transform(z), x64, 1e-12, 1e-12));
  const Tensor x32 = x64.to(kFloat32);
  const Tensor z32 = s.transform(x32);
  EXPECT_EQ(z32.dtype(), kFloat32);
  EXPECT_TRUE(allclose(z32, z.to(kFloat32), 1e-5, 1e-5));
  EXPECT_EQ(s.inverse_transform(z32).dtype(), kFloat32);
  EXPECT_TRUE(allclose(s.inverse_transform(z32), x32, 1e-5, 1e-5));
  // fit_transform is fit then transform; a single sample [F] broadcasts.
  EXPECT_TRUE(equal(Standardizer().fit(x64).transform(x64), z));
  EXPECT_TRUE(equal(s.transform(x64[4]), z[4]));
}

TEST(Standardizer, ConstantColumnsAreCentredWithScaleOne) {
  // 0.1 three times: its float64 mean is not exactly 0.1, so the std is a rounding residue
  // above 0 rather than 0; the column must still come out as exact zeros.
  const Tensor x = f64({5, 0.1, 1, 5, 0.1, 2, 5, 0.1, 3}, {3, 3});
  Standardizer s;
  const Tensor z = s.fit_transform(x);
  expect_values(s.scale(), {1, 1, std::sqrt(2.0 / 3)}, 1e-15);
  expect_values(s.mean(), {5, 0.1, 2}, 0);
  const std::vector<double> v = z.to_vector<double>();
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(v[r * 3], 0);
    EXPECT_EQ(v[r * 3 + 1], 0);
  }
  for (double e : v) EXPECT_TRUE(std::isfinite(e));
  EXPECT_TRUE(equal(s.inverse_transform(z), x));
  // One sample: every column is constant.
  expect_values(Standardizer().fit_transform(f64({3, 4}, {1, 2})), {0, 0}, 0);
}

TEST(Standardizer, TransformIsDifferentiable) {
  Standardizer s;
  s.fit(four_rows());
  const Tensor x = testing::param({1, 2}, {1, 2});
  s.transform(x).sum().backward();
  expect_values(x.grad(), {1 / std::sqrt(1.25), 0.1 / std::sqrt(1.25)}, 1e-15);
}

TEST(Standardizer, RejectsBadInputs) {
  Standardizer s;
  expect_error([&] { s.transform(four_rows()); }, {"Standardizer::transform", "not fitted"});
  expect_error([&] { s.state_dict(); }, {"not fitted"});
  expect_error([&] { s.fit(f64({1, 2, 3})); }, {"Standardizer::fit", "[N, F]", "[3]"});
  expect_error([&] { s.fit(zeros({0, 2})); }, {"N >= 1"});
  expect_error([&] { s.fit(ones({2, 2}, {.dtype = kInt64})); }, {"floating-point", "int64"});
  expect_error([&] { s.fit(f64({1, NAN, 2, 3}, {2, 2})); }, {"column 1", "NaN or infinite"});
  expect_error([&] { s.fit(f64({1, 2, INFINITY, 3}, {2, 2})); }, {"column 0"});
  EXPECT_FALSE(s.fitted());  // failed fits change nothing
  s.fit(four_rows());
  expect_error([&] { s.transform(zeros({4, 3})); }, {"expected 2 features", "[4, 3]"});
  expect_error([&] { s.inverse_transform(zeros({4, 1})); }, {"Standardizer::inverse_transform", "[4, 1]"});
  expect_error([&] { s.transform(scalar_tensor(1)); }, {"expected 2 features"});
  expect_error([&] { s.transform(zeros({4, 2}, {.dtype = kInt64})); }, {"floating-point"});
}

TEST(Standardizer, StateDictRoundTrip) {
  Standardizer a;
  a.fit(randn({20, 4}, {.dtype = kFloat64}));
  const StateDict state = a.state_dict();
  ASSERT_EQ(state.size(), 2u);
  EXPECT_EQ(state[0].first, "mean");
  EXPECT_EQ(state[1].first, "scale");
  Standardizer b;
  b.load_state_dict(state);
  const Tensor x = randn({3, 4});
  EXPECT_TRUE(equal(a.transform(x), b.transform(x)));
  // float32 state (as a float32 checkpoint would hold) loads as float64.
  Standardizer c;
  c.load_state_dict({{"scale", state[1].second.to(kFloat32)}, {"mean", state[0].second.to(kFloat32)}});
  EXPECT_EQ(c.mean().dtype(), kFloat64);
  EXPECT_TRUE(allclose(c.transform(x), b.transform(x), 1e-5, 1e-5));
}

TEST(Standardizer, LoadStateDictChecksEverythingFirst) {
  Standardizer s;
  s.fit(four_rows());
  const Tensor mean_before = s.mean().clone();
  const Tensor m = f64({0, 0}), sc = f64({1, 1});
  expect_error([&] { s.load_state_dict({{"mean", m}}); }, {"load_state_dict", "no 'scale'"});
  expect_error(
      [&] {
        s.load_state_dict({{"mean", m}, {"scale", sc}, {"var", sc}});
      },
      {"unexpected key 'var'"});
  expect_error(
      [&] {
        s.load_state_dict({{"mean", f64({0, 0, 0})}, {"scale", sc}});
      },
      {"'mean' has 3", "has 2"});
  expect_error(
      [&] {
        s.load_state_dict({{"mean", m}, {"scale", f64({1, 0})}});
      },
      {"'scale' must be positive"});
  expect_error([&] { s.load_state_dict({{"mean", f64({0, NAN})}, {"scale", sc}}); }, {"non-finite"});
  expect_error([&] { s.load_state_dict({{"mean", m.view({1, 2})}, {"scale", sc}}); }, {"1-D floating-point"});
  expect_error([&] { s.load_state_dict({{"mean", m}, {"scale", Tensor{}}}); }, {"no 'scale'"});
  EXPECT_TRUE(equal(s.mean(), mean_before));
}

}  // namespace
}  // namespace nabla::data
