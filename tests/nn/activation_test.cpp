// Activation modules: PyTorch's printed form, and forward equal to the functional op
// (whose values and derivatives are tested in tests/tensor).
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"

namespace nabla::nn {
namespace {

using testing::golden;
using testing::repr;

TEST(Activation, PrintsLikePyTorch) {
  const auto& r = golden()["repr"];
  EXPECT_EQ(repr(Identity()), r["Identity"]);
  EXPECT_EQ(repr(Sigmoid()), r["Sigmoid"]);
  EXPECT_EQ(repr(Tanh()), r["Tanh"]);
  EXPECT_EQ(repr(ReLU()), r["ReLU"]);
  EXPECT_EQ(repr(LeakyReLU()), r["LeakyReLU"]);
  EXPECT_EQ(repr(LeakyReLU({.negative_slope = 0.2})), r["LeakyReLU_0.2"]);
  EXPECT_EQ(repr(ELU()), r["ELU"]);
  EXPECT_EQ(repr(ELU({.alpha = 0.5})), r["ELU_0.5"]);
  EXPECT_EQ(repr(GELU()), r["GELU"]);
  EXPECT_EQ(repr(GELU({.approximate = "tanh"})), r["GELU_tanh"]);
  EXPECT_EQ(repr(Softplus()), r["Softplus"]);
  EXPECT_EQ(repr(Softplus({.beta = 0.5, .threshold = 10})), r["Softplus_0.5_10"]);
  EXPECT_EQ(repr(Softmax({.dim = 1})), r["Softmax"]);
  EXPECT_EQ(repr(LogSoftmax({.dim = -1})), r["LogSoftmax"]);
}

TEST(Activation, ForwardIsTheFunctionalOp) {
  const Tensor x = testing::tensor_of({{"shape", {2, 3}}, {"values", {-2.5, -0.5, 0, 0.25, 1.5, 30}}});
  EXPECT_TRUE(Identity()(x).is_same(x));
  EXPECT_TRUE(equal(Sigmoid()(x), sigmoid(x)));
  EXPECT_TRUE(equal(Tanh()(x), tanh(x)));
  EXPECT_TRUE(equal(ReLU()(x), relu(x)));
  EXPECT_TRUE(equal(LeakyReLU({.negative_slope = 0.2})(x), leaky_relu(x, 0.2)));
  EXPECT_FALSE(equal(LeakyReLU({.negative_slope = 0.2})(x), leaky_relu(x, 0.01)));
  EXPECT_TRUE(equal(ELU({.alpha = 0.5})(x), elu(x, 0.5)));
  EXPECT_TRUE(equal(GELU({.approximate = "tanh"})(x), gelu(x, "tanh")));
  EXPECT_FALSE(equal(GELU()(x), gelu(x, "tanh")));
  EXPECT_TRUE(equal(Softplus({.beta = 2, .threshold = 5})(x), softplus(x, 2, 5)));
  EXPECT_TRUE(equal(Softmax({.dim = 0})(x), softmax(x, 0)));
  EXPECT_TRUE(equal(LogSoftmax({.dim = 1})(x), log_softmax(x, 1)));
}

TEST(Activation, GradientsFlowThroughTheModule) {
  const Tensor x = testing::tensor_of({{"shape", {3}}, {"values", {-1.0, 0.5, 2.0}}}).requires_grad_();
  Tanh act;
  act(x).sum().backward();
  const std::vector<double> g = x.grad().to_vector<double>();
  const std::vector<double> v = x.to_vector<double>();
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(g[i], 1 - std::tanh(v[i]) * std::tanh(v[i]), 1e-15);
}

TEST(Activation, RejectsBadOptions) {
  EXPECT_THROW(GELU({.approximate = "fast"}), Error);
  EXPECT_THROW(Softmax({.dim = 2})(zeros({2, 2})), Error);
}

TEST(Activation, HasNoParameters) {
  LeakyReLU act;
  EXPECT_TRUE(act.named_parameters().empty());
  EXPECT_TRUE(act.state_dict().empty());
}

}  // namespace
}  // namespace nabla::nn
