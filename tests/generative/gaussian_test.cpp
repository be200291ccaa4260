// The reparameterisation trick and the likelihood terms: closed forms, the sample's moments,
// gradients through the sampling path, determinism and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::generative {
namespace {

using nabla::testing::expect_error;
using nabla::testing::f64;
using nabla::testing::rand_param;

TEST(Reparameterize, GivenNoiseIsMuPlusEpsTimesSigma) {
  const Tensor mu = f64({1, -2}, {1, 2}), logvar = f64({0, std::log(4.0)}, {1, 2}),
               eps = f64({0.5, -1}, {1, 2});
  nabla::testing::expect_values(reparameterize(mu, logvar, eps), {1.5, -4}, 1e-15);
}

TEST(Reparameterize, SampleHasThePosteriorsMeanAndVariance) {
  manual_seed(3);
  constexpr int64_t n = 200000;
  const Tensor mu = f64({0.7, -1.5}, {1, 2}).expand({n, 2}).contiguous();
  const Tensor logvar = f64({std::log(0.25), std::log(2.0)}, {1, 2}).expand({n, 2}).contiguous();
  const Tensor z = reparameterize(mu, logvar);
  const std::vector<double> m = mean(z, {0}).to_vector<double>(), v = var(z, {0}).to_vector<double>();
  // Standard errors: sigma / √n for the mean, about sigma² √(2 / n) for the variance.
  EXPECT_NEAR(m[0], 0.7, 5 * 0.5 / std::sqrt(n));
  EXPECT_NEAR(m[1], -1.5, 5 * std::sqrt(2.0) / std::sqrt(n));
  EXPECT_NEAR(v[0], 0.25, 5 * 0.25 * std::sqrt(2.0 / n));
  EXPECT_NEAR(v[1], 2.0, 5 * 2.0 * std::sqrt(2.0 / n));
}

TEST(Reparameterize, IsReproducibleWithTheSeed) {
  const Tensor mu = zeros({3, 4}), logvar = zeros({3, 4});
  manual_seed(11);
  const Tensor a = reparameterize(mu, logvar);
  manual_seed(11);
  EXPECT_TRUE(equal(a, reparameterize(mu, logvar)));
  EXPECT_FALSE(equal(a, reparameterize(mu, logvar)));
}

TEST(Reparameterize, GradientsFlowThroughTheSamplingPath) {
  const Tensor mu = rand_param({3, 2}, -1, 1, 1), logvar = rand_param({3, 2}, -1, 1, 2);
  const Tensor eps = f64({0.3, -1.2, 0.8, 0.1, -0.5, 2.0}, {3, 2});
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return reparameterize(in[0], in[1], eps); },
                   {mu, logvar});
  // One [1, 2] draw shared by the batch (the tutorial CVAE's curves) broadcasts.
  const Tensor shared = f64({0.4, -0.9}, {1, 2});
  EXPECT_GRADCHECK([&](const std::vector<Tensor>& in) { return reparameterize(in[0], in[1], shared); },
                   {mu, logvar});
  // dz/dmu = 1 and dz/dlogvar = 0.5 eps sigma.
  reparameterize(mu, logvar, eps).sum().backward();
  EXPECT_TRUE(allclose(mu.grad(), ones_like(mu)));
  EXPECT_TRUE(allclose(logvar.grad(), eps * exp(logvar.detach() * 0.5) * 0.5, 1e-12, 0));
}

TEST(Reparameterize, RejectsMismatchedShapes) {
  expect_error([] { reparameterize(zeros({2, 3}), zeros({2, 2})); }, {"reparameterize", "[2, 2]", "[2, 3]"});
  expect_error([] { reparameterize(zeros({2, 3}), zeros({2, 3}), zeros({4, 3})); }, "reparameterize");
  expect_error([] { reparameterize(zeros({1, 3}), zeros({1, 3}), zeros({2, 3})); }, "does not broadcast");
  expect_error([] { reparameterize(Tensor(), zeros({2, 3})); }, "undefined mu");
  expect_error([] { reparameterize(zeros({2}, {.dtype = kInt64}), zeros({2})); }, "floating-point mu");
}

TEST(GaussianNLL, ClosedForm) {
  // 0.5 ((x - mu)² / var + log var + log 2π) summed per row.
  const Tensor x = f64({1, 2, 0, 0}, {2, 2}), mu = f64({0, 2, 1, -1}, {2, 2});
  const Tensor logvar = f64({0, std::log(2.0), std::log(0.5), 0}, {2, 2});
  const double l2pi = std::log(2 * std::numbers::pi);
  nabla::testing::expect_values(gaussian_nll(x, mu, logvar),
                                {0.5 * (1 + 0 + l2pi) + 0.5 * (0 + std::log(2.0) + l2pi),
                                 0.5 * (2 + std::log(0.5) + l2pi) + 0.5 * (1 + 0 + l2pi)},
                                1e-14);
  // A fixed variance as a 0-d log-variance.
  nabla::testing::expect_values(gaussian_nll(x, mu, scalar_tensor(0.0, {.dtype = kFloat64})),
                                {0.5 + l2pi, 1 + l2pi}, 1e-14);
}

TEST(GaussianNLL, GradientsInEveryArgument) {
  const Tensor x = rand_param({3, 2}, -1, 1, 3), mu = rand_param({3, 2}, -1, 1, 4),
               lv = rand_param({3, 2}, -1, 1, 5);
  EXPECT_GRADCHECK([](const std::vector<Tensor>& in) { return gaussian_nll(in[0], in[1], in[2]); },
                   {x, mu, lv});
}

TEST(GaussianNLL, RejectsBadInput) {
  expect_error([] { gaussian_nll(zeros({2, 3}), zeros({2, 2}), zeros({2, 3})); }, {"gaussian_nll", "[2, 2]"});
  expect_error([] { gaussian_nll(zeros({2, 3}), zeros({2, 3}), zeros({4, 2, 3})); }, "does not broadcast");
  expect_error([] { gaussian_nll(zeros({3}), zeros({3}), zeros({3})); }, "at least 2 dims");
}

TEST(BernoulliNLL, ClosedForm) {
  // -x log sigmoid(l) - (1 - x) log(1 - sigmoid(l)) summed per row.
  const Tensor x = f64({1, 0, 0.25}, {1, 3}), logits = f64({0, 2, -1}, {1, 3});
  const auto s = [](double l) { return 1 / (1 + std::exp(-l)); };
  const double expected =
      -std::log(0.5) - std::log(1 - s(2)) - (0.25 * std::log(s(-1)) + 0.75 * std::log(1 - s(-1)));
  nabla::testing::expect_values(bernoulli_nll(x, logits), {expected}, 1e-14);
  expect_error([] { bernoulli_nll(zeros({2, 3}), zeros({2, 4})); }, {"bernoulli_nll", "[2, 4]"});
}

}  // namespace
}  // namespace nabla::generative
