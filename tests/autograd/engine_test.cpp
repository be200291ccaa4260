#include <gtest/gtest.h>

#include "nabla/nabla.h"

using namespace nabla;

namespace {
Tensor param(std::initializer_list<double> v) { return tensor(v, {.dtype = kFloat64, .requires_grad = true}); }
}  // namespace

TEST(Autograd, ChainAndAccumulate) {
  Tensor x = param({1, 2, 3});
  Tensor y = (x * x).sum();  // dy/dx = 2x
  y.backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{2, 4, 6}));
  (x * 3.0).sum().backward();  // accumulates
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{5, 7, 9}));
}

TEST(Autograd, DiamondGraphSumsBothPaths) {
  Tensor x = param({2});
  Tensor a = x * 3.0, b = x * x;
  (a + b).sum().backward();  // 3 + 2x = 7
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 7);
}

TEST(Autograd, BroadcastGradientIsReduced) {
  Tensor x = tensor({{1, 2, 3}, {4, 5, 6}}, {.dtype = kFloat64, .requires_grad = true});
  Tensor b = param({1, 1, 1});
  (x * b).sum().backward();
  EXPECT_EQ(b.grad().shape(), Shape({3}));
  EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{5, 7, 9}));
}

TEST(Autograd, BackwardTwiceThrowsUnlessRetained) {
  Tensor x = param({1, 2});
  Tensor y = (x.sigmoid() * x).sum();
  y.backward({}, /*retain_graph=*/true);
  y.backward();
  EXPECT_THROW(y.backward(), Error);
}

TEST(Autograd, NonScalarNeedsGradient) {
  Tensor x = param({1, 2});
  EXPECT_THROW((x * 2.0).backward(), Error);
}

TEST(Autograd, NoGradGuardStopsRecording) {
  Tensor x = param({1, 2});
  NoGradGuard guard;
  EXPECT_FALSE((x * 2.0).requires_grad());
}

TEST(Autograd, GradFunctionDoesNotTouchDotGrad) {
  Tensor x = param({3});
  Tensor y = x * x * x;
  auto g = autograd::grad({y}, {x}, {}, false, /*create_graph=*/true);
  EXPECT_DOUBLE_EQ(g[0].item<double>(), 27);
  EXPECT_FALSE(x.grad().defined());
  auto gg = autograd::grad({g[0]}, {x});
  EXPECT_DOUBLE_EQ(gg[0].item<double>(), 18);  // d2/dx2 x^3 = 6x
}

TEST(Autograd, InPlaceOnLeafRequiringGradThrows) {
  Tensor x = param({1, 2});
  EXPECT_THROW(x.add_(1.0), Error);
  {
    NoGradGuard guard;
    x.add_(1.0);  // allowed: optimizers update parameters this way
  }
  EXPECT_EQ(x.to_vector<double>(), (std::vector<double>{2, 3}));
}

TEST(Autograd, ModifiedSavedTensorIsDetected) {
  Tensor x = param({1, 2});
  Tensor h = x * 2.0;
  Tensor w = param({3, 4});
  Tensor y = (h * w).sum();  // saves h for w's gradient
  h.add_(1.0);
  EXPECT_THROW(y.backward(), Error);
}

TEST(Autograd, InPlaceOnNonLeafKeepsHistory) {
  Tensor x = param({1, 2});
  Tensor h = x * 2.0;
  h.mul_(3.0);
  h.sum().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{6, 6}));
}

TEST(Autograd, RetainGrad) {
  Tensor x = param({1, 2});
  Tensor h = x * 2.0;
  h.retain_grad();
  (h * h).sum().backward();
  EXPECT_EQ(h.grad().to_vector<double>(), (std::vector<double>{4, 8}));
}

// The hook runs once per backward, after the leaf's gradients from every path are summed,
// and while nodes nearer the leaves than it are still to run.
TEST(Autograd, PostAccumulateGradHook) {
  Tensor w1 = param({2}), w2 = param({3});
  std::vector<std::pair<char, double>> calls;
  const int id1 = w1.register_post_accumulate_grad_hook([&](const Tensor& t) { calls.emplace_back('1', t.grad().item()); });
  w2.register_post_accumulate_grad_hook([&](const Tensor& t) { calls.emplace_back('2', t.grad().item()); });
  // w2 is used twice; w1 only feeds the first layer, so its gradient is ready last.
  Tensor x = param({5});
  Tensor h = x * w1;
  (h * w2 + h * w2 * w2).sum().backward();  // d/dw2 = h (1 + 2 w2) = 70, d/dw1 = x (w2 + w2^2) = 60
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0], (std::pair<char, double>{'2', 70}));
  EXPECT_EQ(calls[1], (std::pair<char, double>{'1', 60}));
  w1.remove_post_accumulate_grad_hook(id1);
  (x * w1).sum().backward();
  EXPECT_EQ(calls.size(), 2u);
  EXPECT_THROW(h.register_post_accumulate_grad_hook([](const Tensor&) {}), Error);
}

TEST(Autograd, GradcheckCatchesAWrongRule) {
  // A correct op passes; a deliberately non-differentiable perturbation fails.
  Tensor x = param({0.3, -0.7});
  EXPECT_TRUE(autograd::gradcheck([](const std::vector<Tensor>& in) { return tanh(in[0]); }, {x}));
  auto wrong = [](const std::vector<Tensor>& in) { return in[0] * in[0].detach(); };  // true grad 2x, analytic x
  EXPECT_FALSE(autograd::gradcheck(wrong, {x}));
}
