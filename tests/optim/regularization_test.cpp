#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "nabla/optim/optim.h"

namespace nabla::optim {
namespace {

TEST(SplitDecay, PutsWeightsAndBiasesInSeparateGroups) {
  const Tensor w1 = zeros({3, 2}).requires_grad_(), b1 = zeros({3}).requires_grad_(),
               w2 = zeros({1, 3}).requires_grad_();
  const std::vector<std::pair<std::string, Tensor>> named = {
      {"fc1.weight", w1}, {"fc1.bias", b1}, {"out.weight", w2}};
  std::vector<ParamGroupSpec> groups = split_decay(named);
  ASSERT_EQ(groups.size(), 2u);
  ASSERT_EQ(groups[0].params.size(), 2u);
  EXPECT_TRUE(groups[0].params[0].is_same(w1));
  EXPECT_TRUE(groups[0].params[1].is_same(w2));
  EXPECT_TRUE(groups[0].options.empty());
  ASSERT_EQ(groups[1].params.size(), 1u);
  EXPECT_TRUE(groups[1].params[0].is_same(b1));
  EXPECT_EQ(groups[1].options.at("weight_decay"), 0);

  groups = split_decay({w1, b1}, 0.25);
  EXPECT_EQ(groups[0].options.at("weight_decay"), 0.25);
  AdamW opt(groups, {});  // AdamW's default decay 1e-2 is replaced in both groups
  EXPECT_EQ(opt.param_groups()[0].options.at("weight_decay"), 0.25);
  EXPECT_EQ(opt.param_groups()[1].options.at("weight_decay"), 0);
}

TEST(SplitDecay, IsTheSeedsL2RuleExcludingBiases) {
  // D = Δ/m + λθ for weights, D = Δ/m for biases, θ -= lr · D.
  const double lambda = 0.3, lr = 0.1;
  Tensor w = tensor({{0.5, -1.0}}, {.dtype = kFloat64}).requires_grad_();
  Tensor b = from_vector(std::vector<double>{0.25}, {1}).requires_grad_();
  const Tensor x = tensor({{1, 2}, {3, -1}, {0.5, 0.5}}, {.dtype = kFloat64});
  const Tensor y = from_vector(std::vector<double>{1, 0, 2}, {3, 1});
  SGD opt(split_decay({w, b}, lambda), {.lr = lr});
  const Tensor diff = matmul(x, w.t()) + b - y;
  mean(diff * diff).backward();
  const std::vector<double> gw = w.grad().to_vector<double>(), w0 = w.to_vector<double>();
  const double gb = b.grad().item<double>(), b0 = b.item<double>();
  opt.step();
  const std::vector<double> w1 = w.to_vector<double>();
  for (int j = 0; j < 2; ++j) EXPECT_NEAR(w1[j], w0[j] - lr * (gw[j] + lambda * w0[j]), 1e-15);
  EXPECT_NEAR(b.item<double>(), b0 - lr * gb, 1e-15);
}

TEST(L1Penalty, ValueAndGradient) {
  Tensor w = tensor({{0.5, -1.5}, {2, -0.25}}, {.dtype = kFloat64}).requires_grad_();
  Tensor b = tensor({-3, 0}, {.dtype = kFloat64}).requires_grad_();
  const Tensor penalty = l1_penalty({w, b}, 0.1);
  EXPECT_EQ(penalty.dim(), 0);
  EXPECT_NEAR(penalty.item<double>(), 0.1 * (0.5 + 1.5 + 2 + 0.25 + 3), 1e-15);
  penalty.backward();
  EXPECT_EQ(w.grad().to_vector<double>(), (std::vector<double>{0.1, -0.1, 0.1, -0.1}));
  EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{-0.1, 0}));  // 0 at θ = 0
  const auto result =
      autograd::gradcheck([](const std::vector<Tensor>& in) { return l1_penalty(in, 0.7); }, {w});
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_EQ(l1_penalty({}, 0.1).item<double>(), 0);
}

}  // namespace
}  // namespace nabla::optim
