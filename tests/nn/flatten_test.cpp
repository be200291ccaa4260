#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"

namespace nabla::nn {
namespace {

TEST(Flatten, MergesAllButTheBatchDimByDefault) {
  const Tensor x = arange(24).reshape({2, 3, 4});
  EXPECT_EQ(Flatten()(x).shape(), Shape({2, 12}));
  EXPECT_EQ(Flatten({.start_dim = 0, .end_dim = 1})(x).shape(), Shape({6, 4}));
  EXPECT_TRUE(equal(Flatten()(x), x.reshape({2, 12})));
  EXPECT_THROW(Flatten({.start_dim = 3})(x), Error);
}

TEST(Unflatten, SplitsOneDim) {
  const Tensor x = arange(20).reshape({2, 10});
  EXPECT_EQ(Unflatten({.dim = 1, .unflattened_size = {2, 5}})(x).shape(), Shape({2, 2, 5}));
  EXPECT_EQ(Unflatten({.dim = -1, .unflattened_size = {-1, 2}})(x).shape(), Shape({2, 5, 2}));
  EXPECT_THROW(Unflatten({.dim = 1, .unflattened_size = {3, 3}})(x), Error);
  EXPECT_THROW(Unflatten({.dim = 1}), Error);
}

TEST(Flatten, RoundTripsWithUnflattenAndCarriesGradients) {
  const Tensor x = testing::tensor_of({{"shape", {2, 2, 3}}, {"values", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}})
                       .requires_grad_();
  Sequential net(Flatten(), Unflatten({.dim = 1, .unflattened_size = {2, 3}}));
  const Tensor y = net(x);
  EXPECT_TRUE(equal(y, x));
  (y * y).sum().backward();
  EXPECT_TRUE(allclose(x.grad(), x * 2.0));
}

TEST(Flatten, PrintsLikePyTorch) {
  const auto& r = testing::golden()["repr"];
  EXPECT_EQ(testing::repr(Flatten()), r["Flatten"]);
  EXPECT_EQ(testing::repr(Unflatten({.dim = 1, .unflattened_size = {2, 5}})), r["Unflatten"]);
}

}  // namespace
}  // namespace nabla::nn
