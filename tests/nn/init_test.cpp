// nn::init: the distributions (moments and supports within tolerance), the gains and the
// fan computation against PyTorch, orthogonality, and the default initialisation of layers.
#include <gtest/gtest.h>

#include <cmath>

#include "nabla/nabla.h"
#include "tests/nn/layers_golden.h"

namespace nabla::nn {
namespace {

// Moments of a tensor's elements, in double.
struct Moments {
  double mean, var, min, max;
  int64_t n;
};
Moments moments_of(const Tensor& t) {
  const Tensor d = t.detach().to(kFloat64);
  return {d.mean().item(), var(d, false).item(), min(d).item(), max(d).item(), d.numel()};
}

// Uniform(-bound, bound): inside the bounds, mean 0 and variance bound² / 3 within five
// standard errors (the variance of x² for a uniform is 4 bound⁴ / 45).
void expect_uniform(const Tensor& t, double bound, const char* what) {
  const Moments m = moments_of(t);
  EXPECT_GE(m.min, -bound) << what;
  EXPECT_LT(m.max, bound) << what;
  EXPECT_GT(m.max, 0.95 * bound) << what;
  EXPECT_NEAR(m.mean, 0, 5 * bound / std::sqrt(3.0 * m.n)) << what;
  EXPECT_NEAR(m.var, bound * bound / 3, 5 * std::sqrt(4 * std::pow(bound, 4) / 45 / m.n)) << what;
}

// Normal(mean, std): moments within five standard errors.
void expect_normal(const Tensor& t, double mean, double std, const char* what) {
  const Moments m = moments_of(t);
  EXPECT_NEAR(m.mean, mean, 5 * std / std::sqrt(m.n)) << what;
  EXPECT_NEAR(m.var, std * std, 5 * std * std * std::sqrt(2.0 / m.n)) << what;
}

TEST(Init, GainsMatchPyTorch) {
  const auto& g = testing::golden()["gain"];
  for (const char* name : {"linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"})
    EXPECT_DOUBLE_EQ(init::calculate_gain(name), g[name].get<double>()) << name;
  EXPECT_DOUBLE_EQ(init::calculate_gain("leaky_relu", 0.2), g["leaky_relu_0.2"].get<double>());
  EXPECT_DOUBLE_EQ(init::calculate_gain("conv2d"), 1);
  EXPECT_THROW(init::calculate_gain("swish"), Error);
}

TEST(Init, FansIncludeTheReceptiveField) {
  EXPECT_EQ(init::calculate_fan_in_and_fan_out(empty({3, 4})), std::make_pair(int64_t{4}, int64_t{3}));
  EXPECT_EQ(init::calculate_fan_in_and_fan_out(empty({3, 4, 5, 2})), std::make_pair(int64_t{40}, int64_t{30}));
  EXPECT_THROW(init::calculate_fan_in_and_fan_out(empty({3})), Error);
}

TEST(Init, UniformNormalAndConstants) {
  manual_seed(1);
  expect_uniform(init::uniform_(empty({100000}), -2, 2), 2, "uniform_");
  expect_normal(init::normal_(empty({100000}, {.dtype = kFloat64}), 3, 0.5), 3, 0.5, "normal_");
  EXPECT_TRUE(equal(init::constant_(empty({2, 3}), 1.5), full({2, 3}, 1.5)));
  EXPECT_TRUE(equal(init::zeros_(ones({4})), zeros({4})));
  EXPECT_TRUE(equal(init::ones_(zeros({4})), ones({4})));
  EXPECT_TRUE(equal(init::eye_(empty({2, 3})), tensor({{1, 0, 0}, {0, 1, 0}})));
  EXPECT_THROW(init::eye_(empty({2, 2, 2})), Error);
}

TEST(Init, WorksOnParametersThatRequireGrad) {
  Linear fc({.in_features = 3, .out_features = 3});
  init::eye_(fc.weight);
  init::zeros_(fc.bias);
  EXPECT_TRUE(fc.weight.requires_grad());
  EXPECT_TRUE(equal(fc(tensor({{1, 2, 3}})), tensor({{1, 2, 3}})));
}

TEST(Init, XavierAndKaimingHaveTheirStandardDeviations) {
  manual_seed(2);
  const Tensor w = empty({300, 200});  // fan_in 200, fan_out 300
  expect_uniform(init::xavier_uniform_(w, 2), 2 * std::sqrt(6.0 / 500), "xavier_uniform_");
  expect_normal(init::xavier_normal_(w), 0, std::sqrt(2.0 / 500), "xavier_normal_");
  expect_uniform(init::kaiming_uniform_(w), std::sqrt(3.0) * std::sqrt(2.0) / std::sqrt(200.0), "kaiming_uniform_");
  expect_uniform(init::kaiming_uniform_(w, 0, "fan_out", "relu"), std::sqrt(3.0) * std::sqrt(2.0 / 300),
                 "kaiming_uniform_ fan_out");
  expect_normal(init::kaiming_normal_(w, 0.2, "fan_in", "leaky_relu"), 0, std::sqrt(2 / 1.04) / std::sqrt(200.0),
                "kaiming_normal_");
  EXPECT_THROW(init::kaiming_normal_(w, 0, "fan_avg"), Error);
  EXPECT_THROW(init::xavier_uniform_(empty({5})), Error);
}

TEST(Init, LayerDefaultsFollowPyTorch) {
  manual_seed(3);
  // Linear: kaiming_uniform(a = √5) = U(±1/√fan_in) for the weight, the same bound for the bias.
  Linear fc({.in_features = 400, .out_features = 300});
  expect_uniform(fc.weight, 1 / std::sqrt(400.0), "Linear.weight");
  const Moments b = moments_of(fc.bias);
  EXPECT_GE(b.min, -1 / std::sqrt(400.0));
  EXPECT_LT(b.max, 1 / std::sqrt(400.0));
  // The same bound as kaiming_uniform_ with a = √5, the formula PyTorch's Linear uses.
  const Tensor k = init::kaiming_uniform_(empty({300, 400}), std::sqrt(5.0));
  EXPECT_LE(max(k.abs()).item(), 1 / std::sqrt(400.0));
  EXPECT_GT(max(k.abs()).item(), 0.99 / std::sqrt(400.0));
  expect_normal(Embedding({.num_embeddings = 300, .embedding_dim = 100}).weight, 0, 1, "Embedding.weight");
  EXPECT_TRUE(equal(LayerNorm({.normalized_shape = {5}}).weight, ones({5})));
  EXPECT_TRUE(equal(BatchNorm1d({.num_features = 5}).bias, zeros({5})));
}

// Q of shape [rows, cols] (after flattening) with Qᵀ Q = gain² I (tall) or Q Qᵀ = gain² I (wide).
void expect_orthogonal(const Tensor& t, double gain) {
  const Tensor q = t.detach().to(kFloat64).reshape({t.size(0), -1});
  const bool tall = q.size(0) >= q.size(1);
  const Tensor gram = tall ? matmul(q.t(), q) : matmul(q, q.t());
  EXPECT_TRUE(allclose(gram, eye(gram.size(0), -1, {.dtype = kFloat64}) * (gain * gain), 0, 1e-5)) << gram;
}

TEST(Init, OrthogonalIsOrthogonal) {
  manual_seed(4);
  expect_orthogonal(init::orthogonal_(empty({50, 30})), 1);
  expect_orthogonal(init::orthogonal_(empty({30, 50}, {.dtype = kFloat64})), 1);
  expect_orthogonal(init::orthogonal_(empty({6, 2, 3}), 2), 2);
  expect_orthogonal(init::orthogonal_(empty({40, 40}), 0.5), 0.5);
  EXPECT_THROW(init::orthogonal_(empty({5})), Error);
}

TEST(Init, OrthogonalIsSignCorrectedLikePyTorch) {
  // PyTorch takes Q of the QR of a standard normal A, times sign(diag(R)): the unique
  // factorisation with R's diagonal positive, so Q's first column is A's, normalised.
  manual_seed(5);
  const Tensor a = randn({5, 3}, {.dtype = kFloat64});
  manual_seed(5);
  const Tensor q = init::orthogonal_(empty({5, 3}, {.dtype = kFloat64}));
  const Tensor a0 = a.select(1, 0);
  EXPECT_TRUE(allclose(q.select(1, 0), a0 / norm(a0), 1e-12, 1e-12));
  // R = Qᵀ A is upper triangular with a positive diagonal.
  const std::vector<double> r = matmul(q.t(), a).to_vector<double>();
  for (int i = 0; i < 3; ++i) {
    EXPECT_GT(r[i * 3 + i], 0) << "R[" << i << "][" << i << "]";
    for (int j = 0; j < i; ++j) EXPECT_NEAR(r[i * 3 + j], 0, 1e-12) << "R[" << i << "][" << j << "]";
  }
  // A wide matrix is the transpose of the tall one drawn from the transposed draws.
  manual_seed(6);
  const Tensor b = randn({3, 5}, {.dtype = kFloat64});
  manual_seed(6);
  const Tensor w = init::orthogonal_(empty({3, 5}, {.dtype = kFloat64}));
  const Tensor b0 = b.select(0, 0);
  EXPECT_TRUE(allclose(w.select(0, 0), b0 / norm(b0), 1e-12, 1e-12));
}

}  // namespace
}  // namespace nabla::nn
