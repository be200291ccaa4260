// The ELBO's assembly: β-weighting, the batch reductions, the KL warm-up, and bad input.
#include <gtest/gtest.h>

#include "nabla/nabla.h"
#include "tests/tensor/test_util.h"

namespace nabla::generative {
namespace {

using nabla::testing::expect_error;
using nabla::testing::f64;

TEST(ELBOLoss, WeightsTheKLAndReducesOverTheBatch) {
  const Tensor rec = f64({2, 4}), kl = f64({1, 3});
  const ELBO mean_terms = elbo_loss(rec, kl);
  EXPECT_DOUBLE_EQ(mean_terms.reconstruction.item(), 3);
  EXPECT_DOUBLE_EQ(mean_terms.kl.item(), 2);
  EXPECT_DOUBLE_EQ(mean_terms.loss.item(), 5);
  const ELBO sum_terms = elbo_loss(rec, kl, {.beta = 0.5, .reduction = nn::Reduction::Sum});
  EXPECT_DOUBLE_EQ(sum_terms.loss.item(), 6 + 0.5 * 4);
  const ELBO per_sample = elbo_loss(rec, kl, {.beta = 2, .reduction = nn::Reduction::None});
  nabla::testing::expect_values(per_sample.loss, {4, 10});
}

TEST(ELBOLoss, BetaScalesTheKLGradient) {
  const Tensor rec = f64({2, 4}).requires_grad_(), kl = f64({1, 3}).requires_grad_();
  elbo_loss(rec, kl, {.beta = 0.25}).loss.backward();
  nabla::testing::expect_values(rec.grad(), {0.5, 0.5});
  nabla::testing::expect_values(kl.grad(), {0.125, 0.125});
}

TEST(ELBOLoss, RejectsBadInput) {
  expect_error([] { elbo_loss(f64({1, 2}), f64({1, 2}), {.beta = -0.5}); }, {"elbo_loss", "beta", "-0.5"});
  expect_error([] { elbo_loss(f64({1, 2}), f64({1, 2, 3})); }, {"elbo_loss", "[2]", "[3]"});
  expect_error([] { elbo_loss(f64({1, 2}, {1, 2}), f64({1, 2}, {1, 2})); }, "per-sample");
}

TEST(KLWarmup, RampsLinearlyToBeta) {
  const KLWarmup warmup({.beta = 2, .steps = 4});
  EXPECT_DOUBLE_EQ(warmup.beta(0), 0);
  EXPECT_DOUBLE_EQ(warmup.beta(1), 0.5);
  EXPECT_DOUBLE_EQ(warmup.beta(4), 2);
  EXPECT_DOUBLE_EQ(warmup.beta(100), 2);
  EXPECT_DOUBLE_EQ(KLWarmup({.beta = 0.3}).beta(0), 0.3);  // no warm-up
  expect_error([] { KLWarmup({.beta = -1}); }, {"KLWarmup", "beta"});
  expect_error([] { KLWarmup({.steps = -1}); }, {"KLWarmup", "steps"});
  expect_error([&] { warmup.beta(-1); }, {"KLWarmup", "step"});
}

}  // namespace
}  // namespace nabla::generative
