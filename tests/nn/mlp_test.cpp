#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"

namespace nabla::nn {
namespace {

TEST(MLP, LayoutAndStateDictMatchPyTorchSequential) {
  MLP net({.sizes = {4, 200, 300, 1}, .activation = Activation::Sigmoid, .dropout = 0.1});
  EXPECT_EQ(testing::keys(net.state_dict()),
            testing::golden()["state_dict_keys"]["MLP"].get<std::vector<std::string>>());
  // Printed as the equivalent nn.Sequential, under its own name.
  std::string expected = testing::golden()["repr"]["MLP"];
  expected.replace(0, std::string("Sequential").size(), "MLP");
  EXPECT_EQ(testing::repr(net), expected);
  EXPECT_EQ(net.num_parameters(), 61601);
}

TEST(MLP, ForwardIsTheChainOfItsLayers) {
  manual_seed(1);
  MLP net({.sizes = {3, 5, 2}, .activation = Activation::Tanh, .dtype = kFloat64});
  ASSERT_EQ(net.size(), 3u);
  const Tensor x = randn({4, 3}, {.dtype = kFloat64});
  const auto& l0 = static_cast<Linear&>(net[0]);
  const auto& l2 = static_cast<Linear&>(net[2]);
  EXPECT_TRUE(allclose(net(x), linear(tanh(linear(x, l0.weight, l0.bias)), l2.weight, l2.bias), 1e-15, 0));
  EXPECT_EQ(l0.weight.dtype(), kFloat64);
}

TEST(MLP, EachActivationChoiceAndNoBias) {
  const std::pair<Activation, const char*> choices[] = {
      {Activation::Identity, "Identity"}, {Activation::Sigmoid, "Sigmoid"}, {Activation::Tanh, "Tanh"},
      {Activation::ReLU, "ReLU"},         {Activation::LeakyReLU, "LeakyReLU"}, {Activation::ELU, "ELU"},
      {Activation::GELU, "GELU"},         {Activation::Softplus, "Softplus"}};
  for (const auto& [act, name] : choices) {
    MLP net({.sizes = {2, 3, 3, 1}, .activation = act, .bias = false});
    ASSERT_EQ(net.size(), 5u);
    EXPECT_EQ(net[1].type_name(), name);
    EXPECT_EQ(net[3].type_name(), name);
    EXPECT_EQ(net.named_parameters().size(), 3u);
  }
}

TEST(MLP, DropoutFollowsHiddenActivationsAndStopsInEval) {
  MLP net({.sizes = {8, 16, 1}, .dropout = 0.5});
  ASSERT_EQ(net.size(), 4u);
  EXPECT_EQ(net[2].type_name(), "Dropout");
  const Tensor x = randn({32, 8});
  net.eval();
  EXPECT_TRUE(equal(net(x), net(x)));
}

TEST(MLP, RejectsBadOptions) {
  EXPECT_THROW(MLP({.sizes = {4}}), Error);
  EXPECT_THROW(MLP({.sizes = {4, 0, 1}}), Error);
  EXPECT_THROW(MLP({.sizes = {4, 1}, .dropout = 1}), Error);
}

}  // namespace
}  // namespace nabla::nn
