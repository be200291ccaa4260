#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"

namespace nabla::nn {
namespace {

namespace F = functional;

TEST(Dropout, ZeroesAFractionPAndPreservesTheMean) {
  manual_seed(11);
  const int64_t n = 200000;
  const double p = 0.3;
  const Tensor y = F::dropout(ones({n}, {.dtype = kFloat64}), p);
  int64_t zeros_seen = 0;
  for (double v : y.to_vector<double>()) {
    if (v == 0) ++zeros_seen;
    else ASSERT_DOUBLE_EQ(v, 1 / (1 - p));  // survivors are scaled by 1 / (1 - p)
  }
  // Five standard deviations of the binomial fraction and of the mean.
  EXPECT_NEAR(static_cast<double>(zeros_seen) / n, p, 5 * std::sqrt(p * (1 - p) / n));
  EXPECT_NEAR(y.mean().item(), 1.0, 5 * std::sqrt(p / (1 - p) / n));
}

TEST(Dropout, GradientIsTheScaledMask) {
  manual_seed(5);
  const Tensor x = testing::tensor_of({{"shape", {4, 50}}, {"values", std::vector<double>(200, 2.0)}}).requires_grad_();
  const Tensor y = F::dropout(x, 0.5);
  y.sum().backward();
  // y = x * mask with x = 2, so dy/dx = mask = y / 2.
  EXPECT_TRUE(equal(x.grad(), y.detach() / 2.0));
  const double kept = (x.grad() > 0.0).to(kFloat64).sum().item();
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 200);
}

TEST(Dropout, IsTheIdentityInEvalModeAndForPZero) {
  const Tensor x = randn({8, 8});
  Dropout drop({.p = 0.9});
  drop.eval();
  EXPECT_TRUE(drop(x).is_same(x));
  drop.train();
  EXPECT_FALSE(equal(drop(x), x));
  EXPECT_TRUE(F::dropout(x, 0.0).is_same(x));
  EXPECT_TRUE(F::dropout(x, 0.5, false).is_same(x));
}

TEST(Dropout, PEqualOneZeroesEverything) {
  const Tensor x = randn({3, 4}).requires_grad_();
  const Tensor y = F::dropout(x, 1.0);
  EXPECT_TRUE(equal(y, zeros({3, 4})));
  y.sum().backward();
  EXPECT_TRUE(equal(x.grad(), zeros({3, 4})));
}

TEST(Dropout, IsReproducibleFromTheSeed) {
  const Tensor x = ones({100});
  manual_seed(42);
  const Tensor a = F::dropout(x, 0.5);
  manual_seed(42);
  const Tensor b = F::dropout(x, 0.5);
  EXPECT_TRUE(equal(a, b));
  EXPECT_EQ(a.dtype(), kFloat32);
}

TEST(Dropout, ValidatesP) {
  EXPECT_THROW(Dropout({.p = 1.5}), Error);
  EXPECT_THROW(Dropout({.p = -0.1}), Error);
  EXPECT_THROW(F::dropout(ones({2}), 2.0), Error);
  EXPECT_THROW(F::dropout(ones({2}), std::nan("")), Error);
  EXPECT_THROW(F::dropout(ones({2}, {.dtype = kInt64}), 0.5), Error);
}

TEST(Dropout, PrintsLikePyTorch) {
  const auto& r = testing::golden()["repr"];
  EXPECT_EQ(testing::repr(Dropout()), r["Dropout"]);
  EXPECT_EQ(testing::repr(Dropout({.p = 0.25})), r["Dropout_0.25"]);
}

}  // namespace
}  // namespace nabla::nn
