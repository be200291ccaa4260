#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"
#include "tests/tensor/test_util.h"

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

TEST(Dropout2d, ZeroesWholeChannels) {
  manual_seed(9);
  const Tensor x = ones({6, 10, 4, 5}, {.dtype = kFloat64});
  const Tensor y = F::dropout2d(x, 0.5);
  int64_t dropped = 0;
  for (int64_t n = 0; n < 6; ++n)
    for (int64_t c = 0; c < 10; ++c) {
      const Tensor plane = y[n][c];
      const double first = plane.flatten()[0].item();
      // Every element of a channel shares one draw: all 0 or all scaled by 1 / (1 - p).
      EXPECT_TRUE(equal(plane, full({4, 5}, first, {.dtype = kFloat64}))) << n << ", " << c;
      EXPECT_TRUE(first == 0 || first == 2.0) << first;
      dropped += first == 0;
    }
  EXPECT_GT(dropped, 10);
  EXPECT_LT(dropped, 50);
  // Unbatched [C, H, W]: one draw per channel too.
  const Tensor u = F::dropout2d(ones({40, 2, 2}), 0.5);
  EXPECT_TRUE(equal(u, u.narrow(2, 0, 1).expand({40, 2, 2})));
  EXPECT_TRUE(equal(u, u.narrow(1, 0, 1).expand({40, 2, 2})));
}

TEST(Dropout2d, GradientIsTheChannelMask) {
  manual_seed(10);
  const Tensor x = nabla::testing::rand_param({2, 3, 2, 2}, 1, 2, 3);
  const Tensor y = F::dropout2d(x, 0.4);
  y.sum().backward();
  EXPECT_TRUE(allclose(x.grad() * x.detach(), y.detach(), 1e-12, 1e-12));
}

TEST(Dropout2d, ModuleIsTheIdentityInEvalAndValidates) {
  Dropout2d drop({.p = 0.3});
  const Tensor x = randn({2, 3, 4, 4});
  drop.eval();
  EXPECT_TRUE(drop(x).is_same(x));
  nabla::testing::expect_error([] { Dropout2d({.p = 2}); }, {"Dropout2d", "between 0 and 1"});
  nabla::testing::expect_error([] { F::dropout2d(ones({2, 3}), 0.5); }, {"dropout2d", "[2, 3]"});
  EXPECT_TRUE(equal(F::dropout2d(x, 1.0), zeros_like(x)));
  EXPECT_EQ(testing::repr(Dropout2d({.p = 0.2})),
            nabla::testing::golden("golden_conv.json")["repr"]["Dropout2d"]);
}

}  // namespace
}  // namespace nabla::nn
